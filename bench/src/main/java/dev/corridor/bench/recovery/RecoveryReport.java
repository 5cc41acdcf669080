package dev.corridor.bench.recovery;

import dev.corridor.bench.recovery.FaultProxy.Mode;
import dev.corridor.bench.recovery.FaultProxy.Step;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The figures of a {@link RecoveryRun}, per client and as median (min-max) over the clients. All
 * times are on the proxy's clock; the windows come from the schedule: the first black hole and the
 * step after it, the first reset and the step after it, the first refusal (refuse or reject) and
 * the step after it.
 *
 * <ul>
 *   <li>(a) when the client left CONNECTED after the black hole began, and why (the dead link
 *       declared); the attempts it started during the black hole; when it was CONNECTED again.
 *   <li>(b) from the reset to CONNECTED, if that happened before the next step (the refusal).
 *   <li>(c) attempts started during the refusal, and their times.
 *   <li>(d) from the end of the refusal to CONNECTED.
 *   <li>(e) counters acknowledged, failed and still pending at the client; at the server, whether
 *       the recorded sequence is exactly 1, 2, ... N (each once, in order), else its duplicates
 *       and out-of-order arrivals.
 * </ul>
 */
final class RecoveryReport {
  private RecoveryReport() {}

  /** The first step matching {@code mode} and the start of the step after it (or the run's end); null if none. */
  static long[] window(List<Step> steps, long endMillis, Predicate<Mode> mode) {
    for (int i = 0; i < steps.size(); i++) {
      if (mode.test(steps.get(i).mode())) {
        return new long[] {steps.get(i).atMillis(), i + 1 < steps.size() ? steps.get(i + 1).atMillis() : endMillis};
      }
    }
    return null;
  }

  record Faults(List<Step> steps, long durationMillis, int perClient, List<ClientProbe> probes,
      Map<String, List<Long>> received) {

    void print(PrintStream out) {
      long[] bh = window(steps, durationMillis, m -> m == Mode.BLACKHOLE);
      long[] reset = window(steps, durationMillis, m -> m == Mode.RESET);
      long[] refusal = window(steps, durationMillis, m -> m == Mode.REFUSE || m == Mode.REJECT);
      List<Double> a = new ArrayList<>(), bhAttempts = new ArrayList<>(), back = new ArrayList<>(), b = new ArrayList<>();
      List<Double> c = new ArrayList<>(), d = new ArrayList<>(), acked = new ArrayList<>();
      List<String> causes = new ArrayList<>();
      int exact = 0, failed = 0, pending = 0, bWithin2 = 0, dWithin3 = 0;
      out.printf(Locale.ROOT, "%-9s %6s %-18s %-26s %7s %6s %-34s %6s %5s %4s %4s  %s%n", "client", "(a) s", "declared by",
          "black-hole attempts at", "back at", "(b) s", "(c) attempts while refused, at", "(d) s", "acked", "fail", "pend",
          "server: recorded, exactly once in order");
      for (ClientProbe p : probes) {
        String aText = "-", cause = "-", bhText = "-", backText = "-", bText = "-", cText = "-", dText = "-";
        if (bh != null) {
          ClientProbe.Event loss = p.firstLossAfter(bh[0]);
          if (loss != null && loss.atMillis() < bh[1]) {
            a.add(sec(loss.atMillis() - bh[0]));
            aText = f2(loss.atMillis() - bh[0]);
            cause = loss.cause().name();
            causes.add(cause);
          }
          List<Long> att = p.attemptsBetween(bh[0], bh[1]);
          bhAttempts.add((double) att.size());
          bhText = att.size() + times(att);
          ClientProbe.Event again = p.firstConnectedAfter(bh[0]);
          if (again != null) {
            backText = f2(again.atMillis());
            if (again.atMillis() >= bh[1]) back.add(sec(again.atMillis() - bh[1]));
          }
        }
        if (reset != null) {
          ClientProbe.Event up = p.firstConnectedAfter(reset[0]);
          if (up != null && up.atMillis() < reset[1]) {
            b.add(sec(up.atMillis() - reset[0]));
            bText = f2(up.atMillis() - reset[0]);
            if (up.atMillis() - reset[0] <= 2_000) bWithin2++;
          } else {
            List<Long> tries = p.attemptsBetween(reset[0], reset[1]);
            bText = "no" + (tries.isEmpty() ? "" : times(tries));
          }
        }
        if (refusal != null) {
          List<Long> att = p.attemptsBetween(refusal[0], refusal[1]);
          c.add((double) att.size());
          cText = att.size() + times(att);
          ClientProbe.Event up = p.firstConnectedAfter(refusal[1]);
          if (up != null) {
            d.add(sec(up.atMillis() - refusal[1]));
            dText = f2(up.atMillis() - refusal[1]);
            if (up.atMillis() - refusal[1] <= 3_000) dWithin3++;
          }
        }
        List<Long> got = received.getOrDefault(p.id, List.of());
        boolean once = isOneToN(got, perClient);
        if (once) exact++;
        acked.add((double) p.acked());
        failed += p.failed();
        int notEnded = perClient - p.acked() - p.failed();
        pending += notEnded;
        out.printf(Locale.ROOT, "%-9s %6s %-18s %-26s %7s %6s %-34s %6s %5d %4d %4d  %d, %s%n", p.id, aText, cause, bhText,
            backText, bText, cText, dText, p.acked(), p.failed(), notEnded, got.size(), once ? "yes" : "NO: " + defects(got));
        if (p.failed() > 0) out.println("          first failure: " + p.firstFailure());
      }
      int k = probes.size();
      out.println();
      if (bh != null) {
        out.printf(Locale.ROOT, "(a) dead link declared, after the black hole began at %s s: %s s (%d/%d clients; %s)%n",
            s(bh[0]), stats(a, 2), a.size(), k, tally(causes));
        out.printf(Locale.ROOT, "    attempts during the black hole %s-%s s: %s; CONNECTED again after %s s: %s s later%n",
            s(bh[0]), s(bh[1]), stats(bhAttempts, 0), s(bh[1]), stats(back, 2));
      }
      if (reset != null) {
        out.printf(Locale.ROOT, "(b) reset at %s s to CONNECTED: %s s; back before %s s: %d/%d; within 2 s: %d/%d%n",
            s(reset[0]), stats(b, 2), s(reset[1]), b.size(), k, bWithin2, k);
      }
      if (refusal != null) {
        out.printf(Locale.ROOT, "(c) attempts while refused %s-%s s: %s%n", s(refusal[0]), s(refusal[1]), stats(c, 0));
        out.printf(Locale.ROOT, "(d) end of refusal at %s s to CONNECTED: %s s (%d/%d clients); within 3 s: %d/%d%n",
            s(refusal[1]), stats(d, 2), d.size(), k, dWithin3, k);
      }
      out.printf(Locale.ROOT, "(e) counters: %d published per client; acknowledged %s; failed %d, pending %d in all;"
          + " recorded by the server exactly once and in order: %d/%d clients%n", perClient, stats(acked, 0), failed, pending, exact, k);
    }
  }

  record Flap(long windowMillis, List<ClientProbe> probes) {
    void print(PrintStream out) {
      List<Double> attempts = new ArrayList<>(), connected = new ArrayList<>(), minGap = new ArrayList<>();
      List<List<Double>> byIndex = new ArrayList<>();
      int within12 = 0;
      out.printf(Locale.ROOT, "%-9s %8s %9s  %s%n", "client", "attempts", "welcomed", "gaps between attempt starts, s");
      for (ClientProbe p : probes) {
        List<Long> att = p.attemptsBetween(0, windowMillis);
        long welcomed = p.events().stream().filter(e -> e.entersConnected() && e.atMillis() < windowMillis).count();
        attempts.add((double) att.size());
        connected.add((double) welcomed);
        if (att.size() <= 12) within12++;
        List<String> gaps = new ArrayList<>();
        double least = Double.MAX_VALUE;
        for (int i = 1; i < att.size(); i++) {
          double g = sec(att.get(i) - att.get(i - 1));
          gaps.add(String.format(Locale.ROOT, "%.2f", g));
          least = Math.min(least, g);
          while (byIndex.size() < i) byIndex.add(new ArrayList<>());
          byIndex.get(i - 1).add(g);
        }
        if (att.size() > 1) minGap.add(least);
        out.printf(Locale.ROOT, "%-9s %8d %9d  %s%n", p.id, att.size(), welcomed, String.join(" ", gaps));
      }
      int k = probes.size();
      out.println();
      out.printf(Locale.ROOT, "attempts in %s s: %s; at most 12: %d/%d clients; connections welcomed: %s%n",
          s(windowMillis), stats(attempts, 0), within12, k, stats(connected, 0));
      out.printf(Locale.ROOT, "shortest gap per client: %s s%n", stats(minGap, 2));
      for (int i = 0; i < byIndex.size(); i++) {
        out.printf(Locale.ROOT, "gap %d: %s s (%d clients)%n", i + 1, stats(byIndex.get(i), 2), byIndex.get(i).size());
      }
    }
  }

  static boolean isOneToN(List<Long> got, int n) {
    if (got.size() != n) return false;
    for (int i = 0; i < n; i++) if (got.get(i) != i + 1) return false;
    return true;
  }

  /** Missing, duplicated and out-of-order counters in an arrival sequence. */
  static String defects(List<Long> got) {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    long dup = 0, ooo = 0, max = 0;
    for (long s : got) {
      if (!seen.add(s)) dup++;
      if (s < max) ooo++;
      max = Math.max(max, s);
    }
    return String.format(Locale.ROOT, "unique %d, duplicates %d, out of order %d, highest %d", seen.size(), dup, ooo, max);
  }

  /** "median X (min-max)", or "none". */
  static String stats(List<Double> values, int decimals) {
    if (values.isEmpty()) return "none";
    List<Double> v = values.stream().sorted().toList();
    int n = v.size();
    double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    int md = decimals == 0 && median != Math.rint(median) ? 1 : decimals;
    return String.format(Locale.ROOT, "median %." + md + "f (%." + decimals + "f-%." + decimals + "f)", median, v.get(0), v.get(n - 1));
  }

  private static String tally(List<String> names) {
    return names.stream().collect(Collectors.groupingBy(x -> x, java.util.TreeMap::new, Collectors.counting()))
        .entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
  }

  private static String times(List<Long> millis) {
    return millis.isEmpty() ? "" : " (" + millis.stream().map(RecoveryReport::s).collect(Collectors.joining(" ")) + ")";
  }

  private static double sec(long millis) {
    return millis / 1000.0;
  }

  private static String f2(long millis) {
    return String.format(Locale.ROOT, "%.2f", millis / 1000.0);
  }

  private static String s(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
  }
}
