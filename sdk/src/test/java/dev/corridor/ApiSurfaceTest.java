package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedArrayType;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.AnnotatedTypeVariable;
import java.lang.reflect.AnnotatedWildcardType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API is what {@code sdk/api/corridor-sdk.api} says it is, so that no change to it goes
 * unnoticed: every public and protected type, constructor, method and field of the public packages,
 * with generic signatures, nullness annotations, modifiers and constant values, rendered as sorted
 * text from the compiled classes and compared with the checked-in file (as Kotlin's
 * binary-compatibility-validator does for OkHttp's {@code okhttp.api}). An intended change
 * regenerates the file with {@code -Dcorridor.api.update=true} (or {@code CORRIDOR_API_UPDATE=true})
 * and commits it with the change, where a reviewer sees it.
 *
 * <p>It also keeps implementation types out of public signatures: protocol messages, protobuf,
 * {@code dev.corridor.internal}, Okio and Kotlin's own types, and any third-party type not listed
 * in the surface's deliberate foreign types.
 */
class ApiSurfaceTest {
  /**
   * One artifact's public API: its packages, its checked-in file, and what its signatures may
   * mention. corridor-android's AndroidApiSurfaceTest checks its own with the same machinery.
   */
  static final class Surface {
    final String artifact;
    /** Where the module lives, relative to the repository root: "sdk", "android". */
    final String module;
    final List<String> publicPackages;
    /** Packages of other Corridor artifacts whose public types the signatures may use. */
    final List<String> otherCorridorPackages;
    /** A class of the artifact, to find its compiled classes. */
    final Class<?> anchor;
    /** Types that must never appear in a public signature: how Corridor works inside. */
    final List<String> forbiddenPrefixes;
    /** Types from other libraries that public signatures use on purpose, and why. */
    final Map<String, String> deliberateForeignTypes;
    /** Names the rendered types must include, to show the packages were read. */
    final List<String> expectedTypes;

    Surface(String artifact, String module, List<String> publicPackages,
        List<String> otherCorridorPackages, Class<?> anchor, List<String> forbiddenPrefixes,
        Map<String, String> deliberateForeignTypes, List<String> expectedTypes) {
      this.artifact = artifact;
      this.module = module;
      this.publicPackages = publicPackages;
      this.otherCorridorPackages = otherCorridorPackages;
      this.anchor = anchor;
      this.forbiddenPrefixes = forbiddenPrefixes;
      this.deliberateForeignTypes = deliberateForeignTypes;
      this.expectedTypes = expectedTypes;
    }

    String apiFile() {
      return "api/" + artifact + ".api";
    }

    String updateCommand() {
      return "./mvnw -B -pl " + module + " -am test -Dtest=" + testName()
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dcorridor.api.update=true";
    }

    private String testName() {
      return module.equals("sdk") ? "ApiSurfaceTest" : "AndroidApiSurfaceTest";
    }
  }

  static final List<String> PUBLIC_PACKAGES =
      Arrays.asList("dev.corridor", "dev.corridor.kotlin", "dev.corridor.testing");

  /** Implementation types of the SDK, never in a public signature of any Corridor artifact. */
  static final List<String> FORBIDDEN_PREFIXES = Arrays.asList(
      "dev.corridor.internal.", "dev.corridor.proto.", "com.google.protobuf.", "okio.", "kotlin.");

  static final Surface SDK;

  static {
    Map<String, String> deliberate = new LinkedHashMap<>();
    deliberate.put("okhttp3.OkHttpClient",
        "CorridorClient.Builder.okHttpClient: the transport's configuration (proxy, TLS, DNS, dispatcher)");
    for (String flow : Arrays.asList("Flow", "SharedFlow", "StateFlow")) {
      deliberate.put("kotlinx.coroutines.flow." + flow,
          "dev.corridor.kotlin.CorridorFlows: the coroutine adapters return flows");
    }
    deliberate.put("org.jspecify.annotations.Nullable", "nullness of the public packages");
    deliberate.put("org.jspecify.annotations.NullMarked", "nullness of the public packages");
    SDK = new Surface("corridor-sdk", "sdk", PUBLIC_PACKAGES, java.util.Collections.<String>emptyList(),
        CorridorClient.class, FORBIDDEN_PREFIXES, deliberate,
        Arrays.asList("dev.corridor.CorridorClient", "dev.corridor.CorridorClient.Builder",
            "dev.corridor.kotlin.CorridorFlows", "dev.corridor.testing.TestValues"));
  }

  @Test
  void publicApiMatchesTheCheckedInSignatureFile() throws IOException {
    assertMatchesFile(SDK);
  }

  @Test
  void publicSignaturesMentionNoImplementationType() throws IOException {
    assertMentionsNoImplementationType(SDK);
  }

  @Test
  void everyPublicPackageIsReadAndTheTypesAreSorted() throws IOException {
    assertEveryPackageRead(SDK);
  }

  static void assertMatchesFile(Surface surface) throws IOException {
    String actual = render(surface);
    Path file = apiFile(surface);

    if (updateRequested()) {
      Files.createDirectories(file.getParent());
      Files.write(file, actual.getBytes(StandardCharsets.UTF_8));
      System.out.println("ApiSurfaceTest: wrote " + file.toAbsolutePath().normalize());
      return;
    }

    if (!Files.exists(file)) {
      throw new AssertionError("No API signature file at " + file.toAbsolutePath().normalize()
          + ". Create it with:\n  " + surface.updateCommand() + "\n");
    }
    String expected = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).replace("\r\n", "\n");
    if (!expected.equals(actual)) {
      throw new AssertionError("The public API of " + surface.artifact + " differs from "
          + surface.module + "/" + surface.apiFile()
          + " (- as checked in, + as compiled):\n\n"
          + unifiedDiff(lines(expected), lines(actual), 2)
          + "\nIf the change is intended, regenerate the file and commit it with the change:\n  "
          + surface.updateCommand() + "\n(or run any build with CORRIDOR_API_UPDATE=true). A removed or changed"
          + " line breaks applications compiled against the previous version.\n");
    }
  }

  static void assertMentionsNoImplementationType(Surface surface) throws IOException {
    List<String> problems = new ArrayList<>();
    Renderer r = new Renderer(surface);
    for (Class<?> c : publicTypes(surface)) {
      r.renderType(c, problems);
    }
    assertThat(problems)
        .as("public signatures that mention implementation or undeclared third-party types;"
            + " keep them internal, or (if it is deliberate) list the type in the surface's deliberate types")
        .isEmpty();
  }

  static void assertEveryPackageRead(Surface surface) throws IOException {
    List<String> names = publicTypes(surface).stream().map(ApiSurfaceTest::nameOf).collect(Collectors.toList());
    assertThat(names).as("types found in the compiled classes")
        .containsAll(surface.expectedTypes)
        .isSorted()
        .doesNotHaveDuplicates()
        .allMatch(n -> surface.publicPackages.stream().anyMatch(p -> n.startsWith(p + ".")));
  }

  // ---- Rendering ----

  static boolean updateRequested() {
    return Boolean.getBoolean("corridor.api.update")
        || "true".equalsIgnoreCase(System.getenv("CORRIDOR_API_UPDATE"));
  }

  static Path apiFile(Surface surface) {
    return Paths.get(System.getProperty("basedir", System.getProperty("user.dir"))).resolve(surface.apiFile());
  }

  /** The API as the text of the file: one block per package and per type, sorted. */
  static String render(Surface surface) throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("# The public API of " + surface.artifact + ", generated from the compiled classes by ApiSurfaceTest.\n")
        .append("# One block per type: its declaration, then its fields, constructors and methods (public, and\n")
        .append("# protected in classes that can be extended), each sorted by name (enum constants in declaration\n")
        .append("# order); names fully qualified, nested types as Outer.Inner, type-use annotations where Java\n")
        .append("# puts them, no parameter names.\n")
        .append("# Do not edit by hand; regenerate with:\n")
        .append("#   ").append(surface.updateCommand()).append('\n');
    Renderer r = new Renderer(surface);
    List<String> ignored = new ArrayList<>();
    for (String p : surface.publicPackages) {
      out.append('\n').append(r.checked(("package " + p + " " + r.annotations(packageAnnotations(p))).trim(), ignored))
          .append('\n');
    }
    for (Class<?> c : publicTypes(surface)) {
      out.append('\n');
      for (String line : r.renderType(c, ignored)) out.append(line).append('\n');
    }
    return out.toString();
  }

  static Annotation[] packageAnnotations(String pkg) {
    try {
      return Class.forName(pkg + ".package-info", false, ApiSurfaceTest.class.getClassLoader())
          .getDeclaredAnnotations();
    } catch (ClassNotFoundException e) {
      return new Annotation[0];
    }
  }

  /** Every public type of the public packages (and its public and protected nested types), by name. */
  static List<Class<?>> publicTypes(Surface surface) throws IOException {
    Set<String> topLevel = new TreeSet<>();
    Path root;
    try {
      root = Paths.get(surface.anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    if (Files.isDirectory(root)) {
      for (String p : surface.publicPackages) {
        Path dir = root.resolve(p.replace('.', '/'));
        try (Stream<Path> files = Files.list(dir)) {
          files.map(f -> f.getFileName().toString())
              .filter(ApiSurfaceTest::isTopLevelClassFile)
              .forEach(f -> topLevel.add(p + "." + f.substring(0, f.length() - ".class".length())));
        }
      }
    } else {
      try (JarFile jar = new JarFile(root.toFile())) {
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
          String name = e.nextElement().getName();
          int slash = name.lastIndexOf('/');
          if (slash < 0) continue;
          String pkg = name.substring(0, slash).replace('/', '.');
          String file = name.substring(slash + 1);
          if (surface.publicPackages.contains(pkg) && isTopLevelClassFile(file)) {
            topLevel.add(pkg + "." + file.substring(0, file.length() - ".class".length()));
          }
        }
      }
    }
    List<Class<?>> types = new ArrayList<>();
    for (String name : topLevel) {
      Class<?> c;
      try {
        c = Class.forName(name, false, ApiSurfaceTest.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IOException(e);
      }
      if (Modifier.isPublic(c.getModifiers())) addWithNested(c, types);
    }
    types.sort(Comparator.comparing(ApiSurfaceTest::nameOf));
    return types;
  }

  private static boolean isTopLevelClassFile(String file) {
    return file.endsWith(".class") && !file.contains("$") && !file.startsWith("package-info")
        && !file.startsWith("module-info");
  }

  private static void addWithNested(Class<?> c, List<Class<?>> into) {
    into.add(c);
    for (Class<?> nested : c.getDeclaredClasses()) {
      if (!nested.isSynthetic() && visible(nested.getModifiers(), c)) addWithNested(nested, into);
    }
  }

  /** Public, or protected in a class that code outside the package can extend. */
  static boolean visible(int modifiers, Class<?> owner) {
    return Modifier.isPublic(modifiers)
        || (Modifier.isProtected(modifiers) && !Modifier.isFinal(owner.getModifiers()));
  }

  static String nameOf(Class<?> c) {
    String canonical = c.getCanonicalName();
    return canonical != null ? canonical : c.getName();
  }

  /** Renders types, and reports the classes each line mentions that a public signature may not. */
  static final class Renderer {
    private final Set<Class<?>> mentioned = new TreeSet<>(Comparator.comparing(Class::getName));
    private final Surface surface;

    Renderer(Surface surface) {
      this.surface = surface;
    }

    List<String> renderType(Class<?> c, List<String> problems) {
      List<String> lines = new ArrayList<>();
      lines.add(checked(header(c), problems));

      List<String> fields = new ArrayList<>();
      if (c.isEnum()) { // in declaration order, which values(), compareTo and EnumMap follow
        for (Object constant : c.getEnumConstants()) {
          fields.add("  public static final enum-constant " + ((Enum<?>) constant).name());
        }
      }
      for (Field f : sortedBy(c.getDeclaredFields(), Field::getName)) {
        if (!f.isSynthetic() && !f.isEnumConstant() && visible(f.getModifiers(), c)) {
          fields.add(checked("  " + field(f), problems));
        }
      }
      List<String> constructors = new ArrayList<>();
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (!k.isSynthetic() && visible(k.getModifiers(), c)) {
          constructors.add(checked("  " + executable(k, c), problems));
        }
      }
      constructors.sort(null);
      List<String> methods = new ArrayList<>();
      for (Method m : sortedBy(c.getDeclaredMethods(), Method::getName)) {
        if (!m.isSynthetic() && !m.isBridge() && visible(m.getModifiers(), c)) {
          methods.add(checked("  " + executable(m, c), problems));
        }
      }
      methods.sort(Comparator.comparing(ApiSurfaceTest::memberName).thenComparing(Comparator.naturalOrder()));
      lines.addAll(fields);
      lines.addAll(constructors);
      lines.addAll(methods);
      return lines;
    }

    private static <T extends Member> List<T> sortedBy(T[] members, java.util.function.Function<T, String> key) {
      List<T> list = new ArrayList<>(Arrays.asList(members));
      list.sort(Comparator.comparing(key));
      return list;
    }

    /** Returns {@code line}, after noting what it mentions that it may not. */
    String checked(String line, List<String> problems) {
      for (Class<?> c : mentioned) {
        String problem = problemWith(c);
        if (problem != null) problems.add(line.trim() + "\n    mentions " + c.getName() + ": " + problem);
      }
      mentioned.clear();
      return line;
    }

    private String problemWith(Class<?> c) {
      String name = c.getName();
      if (surface.deliberateForeignTypes.containsKey(name)) return null;
      for (String prefix : surface.forbiddenPrefixes) {
        if (name.startsWith(prefix)) return "an implementation type (" + prefix + "*)";
      }
      String pkg = c.getPackage() == null ? "" : c.getPackage().getName();
      boolean ours = surface.publicPackages.contains(pkg) || surface.otherCorridorPackages.contains(pkg);
      boolean jdk = name.startsWith("java.") || name.startsWith("javax.") || c.isPrimitive();
      if ((ours || jdk) && !isAccessible(c)) return "not public";
      if (ours || jdk) return null;
      return "a third-party type not listed among the surface's deliberate foreign types";
    }

    private static boolean isAccessible(Class<?> c) {
      for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
        if (!Modifier.isPublic(k.getModifiers()) && !Modifier.isProtected(k.getModifiers())) return false;
      }
      return true;
    }

    String header(Class<?> c) {
      StringBuilder s = new StringBuilder();
      s.append(annotations(c.getDeclaredAnnotations()).trim());
      if (s.length() > 0) s.append(' ');
      int mods = c.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC
          | Modifier.FINAL | Modifier.ABSTRACT);
      String kind;
      if (c.isAnnotation()) {
        kind = "@interface";
        mods &= ~(Modifier.ABSTRACT | Modifier.STATIC);
      } else if (c.isInterface()) {
        kind = "interface";
        mods &= ~(Modifier.ABSTRACT | Modifier.STATIC);
      } else if (c.isEnum()) {
        kind = "enum";
        mods &= ~Modifier.STATIC;
      } else {
        kind = "class";
      }
      s.append(Modifier.toString(mods)).append(' ').append(kind).append(' ').append(nameOf(c));
      s.append(typeParameters(c.getTypeParameters()));
      AnnotatedType superclass = c.getAnnotatedSuperclass();
      if (superclass != null && superclass.getType() != Object.class && !c.isEnum()) {
        s.append(" extends ").append(type(superclass, false));
      }
      List<String> interfaces = new ArrayList<>();
      for (AnnotatedType i : c.getAnnotatedInterfaces()) {
        if (c.isAnnotation() && i.getType() == Annotation.class) continue;
        interfaces.add(type(i, false));
      }
      if (!interfaces.isEmpty()) {
        s.append(c.isInterface() ? " extends " : " implements ").append(String.join(", ", interfaces));
      }
      return s.toString();
    }

    String field(Field f) {
      StringBuilder s = new StringBuilder();
      s.append(annotations(f.getDeclaredAnnotations()));
      int mods = f.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL);
      s.append(Modifier.toString(mods)).append(' ');
      s.append(type(f.getAnnotatedType(), false)).append(' ').append(f.getName());
      if (Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())
          && (f.getType().isPrimitive() || f.getType() == String.class)) {
        try {
          Object value = f.get(null);
          s.append(" = ").append(value instanceof String ? quoted((String) value) : String.valueOf(value));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
      return s.toString();
    }

    String executable(Executable e, Class<?> owner) {
      StringBuilder s = new StringBuilder();
      s.append(annotations(e.getDeclaredAnnotations()));
      int mods = e.getModifiers()
          & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL | Modifier.ABSTRACT);
      s.append(Modifier.toString(mods));
      if (e instanceof Method && ((Method) e).isDefault()) s.append(" default");
      String typeParameters = typeParameters(e.getTypeParameters());
      if (!typeParameters.isEmpty()) s.append(' ').append(typeParameters);
      if (e instanceof Method) {
        s.append(' ').append(type(((Method) e).getAnnotatedReturnType(), false))
            .append(' ').append(e.getName());
      } else {
        s.append(' ').append(owner.getSimpleName());
      }
      AnnotatedType[] parameters = e.getAnnotatedParameterTypes();
      List<String> rendered = new ArrayList<>();
      for (int i = 0; i < parameters.length; i++) {
        rendered.add(type(parameters[i], e.isVarArgs() && i == parameters.length - 1));
      }
      s.append('(').append(String.join(", ", rendered)).append(')');
      AnnotatedType[] exceptions = e.getAnnotatedExceptionTypes();
      if (exceptions.length > 0) {
        List<String> thrown = new ArrayList<>();
        for (AnnotatedType x : exceptions) thrown.add(type(x, false));
        thrown.sort(null);
        s.append(" throws ").append(String.join(", ", thrown));
      }
      return s.toString();
    }

    private String typeParameters(TypeVariable<?>[] variables) {
      if (variables.length == 0) return "";
      List<String> rendered = new ArrayList<>();
      for (TypeVariable<?> v : variables) {
        StringBuilder s = new StringBuilder(annotations(v.getDeclaredAnnotations())).append(v.getName());
        List<String> bounds = new ArrayList<>();
        for (AnnotatedType b : v.getAnnotatedBounds()) {
          if (b.getType() != Object.class || b.getDeclaredAnnotations().length > 0) bounds.add(type(b, false));
        }
        if (!bounds.isEmpty()) s.append(" extends ").append(String.join(" & ", bounds));
        rendered.add(s.toString());
      }
      return "<" + String.join(", ", rendered) + ">";
    }

    /** Java source syntax, with fully qualified names and type-use annotations where Java puts them. */
    String type(AnnotatedType t, boolean varargs) {
      String annotations = annotations(t.getDeclaredAnnotations());
      if (t instanceof AnnotatedArrayType) {
        String component = type(((AnnotatedArrayType) t).getAnnotatedGenericComponentType(), false);
        return component + (annotations.isEmpty() ? "" : " " + annotations.trim()) + (varargs ? "..." : "[]");
      }
      if (t instanceof AnnotatedTypeVariable) {
        return annotations + ((TypeVariable<?>) t.getType()).getName();
      }
      if (t instanceof AnnotatedWildcardType) {
        AnnotatedWildcardType w = (AnnotatedWildcardType) t;
        StringBuilder s = new StringBuilder(annotations).append('?');
        for (AnnotatedType upper : w.getAnnotatedUpperBounds()) {
          if (upper.getType() != Object.class) s.append(" extends ").append(type(upper, false));
        }
        for (AnnotatedType lower : w.getAnnotatedLowerBounds()) s.append(" super ").append(type(lower, false));
        return s.toString();
      }
      if (t instanceof AnnotatedParameterizedType) {
        ParameterizedType p = (ParameterizedType) t.getType();
        Class<?> raw = (Class<?>) p.getRawType();
        mentioned.add(raw);
        List<String> arguments = new ArrayList<>();
        for (AnnotatedType a : ((AnnotatedParameterizedType) t).getAnnotatedActualTypeArguments()) {
          arguments.add(type(a, false));
        }
        return annotations + nameOf(raw) + "<" + String.join(", ", arguments) + ">";
      }
      Type plain = t.getType();
      if (plain instanceof Class) {
        mentioned.add((Class<?>) plain);
        return annotations + nameOf((Class<?>) plain);
      }
      return annotations + plainType(plain);
    }

    /** For the rare type that reflection does not annotate (e.g. an owner type). */
    private String plainType(Type t) {
      if (t instanceof Class) {
        mentioned.add((Class<?>) t);
        return nameOf((Class<?>) t);
      }
      if (t instanceof ParameterizedType) {
        ParameterizedType p = (ParameterizedType) t;
        List<String> arguments = new ArrayList<>();
        for (Type a : p.getActualTypeArguments()) arguments.add(plainType(a));
        return plainType(p.getRawType()) + "<" + String.join(", ", arguments) + ">";
      }
      if (t instanceof GenericArrayType) return plainType(((GenericArrayType) t).getGenericComponentType()) + "[]";
      if (t instanceof TypeVariable) return ((TypeVariable<?>) t).getName();
      if (t instanceof WildcardType) return t.getTypeName();
      return t.getTypeName();
    }

    /** "@a.B @c.D " (each annotation by its fully qualified name), or "". */
    String annotations(Annotation[] annotations) {
      List<String> names = new ArrayList<>();
      for (Annotation a : annotations) {
        if (a.annotationType().getName().equals("kotlin.Metadata")) continue; // the Kotlin compiler's, not API
        mentioned.add(a.annotationType());
        names.add("@" + nameOf(a.annotationType()));
      }
      names.sort(null);
      return names.isEmpty() ? "" : String.join(" ", names) + " ";
    }
  }

  private static String memberName(String line) {
    String beforeParameters = line.substring(0, line.indexOf('('));
    return beforeParameters.substring(beforeParameters.lastIndexOf(' ') + 1);
  }

  private static String quoted(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }

  // ---- Diff ----

  static List<String> lines(String text) {
    return Arrays.asList(text.split("\n", -1));
  }

  /** A unified diff of two line lists with {@code context} unchanged lines around each change. */
  static String unifiedDiff(List<String> a, List<String> b, int context) {
    int n = a.size();
    int m = b.size();
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    // The edit script: each entry is {op, index in a, index in b}, op ' ' (kept), '-' or '+'.
    List<int[]> script = new ArrayList<>();
    List<Integer> changes = new ArrayList<>();
    for (int i = 0, j = 0; i < n || j < m; ) {
      if (i < n && j < m && a.get(i).equals(b.get(j))) {
        script.add(new int[] {' ', i++, j++});
      } else {
        changes.add(script.size());
        if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
          script.add(new int[] {'-', i++, j});
        } else {
          script.add(new int[] {'+', i, j++});
        }
      }
    }
    StringBuilder out = new StringBuilder();
    for (int c = 0; c < changes.size(); ) {
      int first = changes.get(c);
      int last = first;
      while (c + 1 < changes.size() && changes.get(c + 1) - last <= 2 * context + 1) last = changes.get(++c);
      c++;
      int start = Math.max(0, first - context);
      int end = Math.min(script.size(), last + context + 1);
      int countA = 0;
      int countB = 0;
      for (int x = start; x < end; x++) {
        if (script.get(x)[0] != '+') countA++;
        if (script.get(x)[0] != '-') countB++;
      }
      out.append("@@ -").append(script.get(start)[1] + 1).append(',').append(countA)
          .append(" +").append(script.get(start)[2] + 1).append(',').append(countB).append(" @@\n");
      for (int x = start; x < end; x++) {
        int[] e = script.get(x);
        out.append((char) e[0]).append(e[0] == '+' ? b.get(e[2]) : a.get(e[1])).append('\n');
      }
    }
    return out.toString();
  }
}
