package dev.corridor.sample.ticker;

import dev.corridor.sample.ChaosControl;
import dev.corridor.sample.proto.PriceAlert;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;
import org.jspecify.annotations.Nullable;

/**
 * The full-screen ticker on a JLine {@link Terminal}: alternate screen, raw mode, a frame drawn by
 * {@link Renderer} through {@link Display} at a fixed {@value #FPS} frames per second from the
 * model's latest view (so a burst of messages never stalls the screen, and the screen never slows
 * the client), and single-key commands:
 *
 * <pre>
 * a        add a symbol (prompt on the bottom line)     r   remove a symbol (default: selected)
 * l        set or edit an alert: ID SYMBOL &gt;|&lt; PRICE   f   focus the selected symbol
 * ↑ / ↓    select a row                                 n   simulate network down / up
 * k        kill every connection now (chaos)            1-7 toggle a chaos mode, in enum order
 *                                                       (the notice says what it does and when)
 * q        quit (also Ctrl-C)
 * </pre>
 *
 * In a prompt, Enter submits, Esc cancels, Backspace deletes. Without a {@link ChaosControl}
 * (client-only mode) the chaos keys answer "chaos unavailable".
 *
 * <p>{@link #run()} restores the terminal (attributes, main screen, cursor, keypad) when it
 * returns, whether by {@code q}, Ctrl-C (the terminal's {@code INT} signal), end of input or an
 * exception, and a shutdown hook does the same if the JVM is terminated meanwhile. It does not
 * close the terminal or the client: the caller owns both.
 *
 * <p><b>Threads:</b> {@link #run()} blocks its caller; frames are drawn on {@code ticker-frames},
 * keys are read and acted on on {@code ticker-keys}. {@link #stop()} may be called from any
 * thread.
 */
public final class TerminalUi {
  /** Frames drawn per second. */
  public static final int FPS = 10;

  static final int KEY_UP = -10;
  static final int KEY_DOWN = -11;
  static final int KEY_ESC = 27;
  private static final int CTRL_C = 3;
  private static final int CTRL_U = 21;
  private static final long ESCAPE_TIMEOUT_MILLIS = 50;

  private enum PromptKind {
    ADD("add symbol: "),
    REMOVE("remove symbol: "),
    ALERT("alert (ID SYMBOL >|< PRICE): ");

    final String label;

    PromptKind(String label) {
      this.label = label;
    }
  }

  private final Terminal terminal;
  private final TickerClient client;
  private final TickerModel model;
  private final @Nullable ChaosControl chaos;
  private final CountDownLatch quit = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile boolean stopping;

  private final Object lock = new Object();
  // Guarded by lock.
  private final Display display;
  private @Nullable Size size;
  private boolean restored;
  private boolean cursorShown = true;
  private int selected;
  private @Nullable PromptKind prompt;
  private final StringBuilder input = new StringBuilder();
  private @Nullable String notice;
  /** The model's event count when the notice was set: a newer event takes the notice line. */
  private long noticeAtEvent;

  /**
   * A UI for {@code client}'s model on {@code terminal}, with chaos keys acting on {@code chaos}
   * (null in client-only mode).
   */
  public TerminalUi(Terminal terminal, TickerClient client, @Nullable ChaosControl chaos) {
    this.terminal = terminal;
    this.client = client;
    this.model = client.model();
    this.chaos = chaos;
    this.display = new Display(terminal, true);
  }

  /**
   * Whether {@code terminal} can show the full-screen UI: it is not a dumb terminal and can address
   * the cursor. Otherwise use {@link PlainReporter}.
   */
  public static boolean supports(Terminal terminal) {
    String type = terminal.getType();
    if (type == null || type.startsWith(Terminal.TYPE_DUMB)) return false;
    return terminal.getStringCapability(Capability.cursor_address) != null;
  }

  /**
   * Takes over the terminal and runs until the user quits, the input ends or {@link #stop()} is
   * called; then restores the terminal and returns.
   */
  public void run() throws InterruptedException {
    Attributes saved = terminal.enterRawMode();
    Terminal.SignalHandler previousInt = terminal.handle(Terminal.Signal.INT, signal -> stop());
    Thread hook = new Thread(() -> restore(saved), "ticker-restore");
    Runtime.getRuntime().addShutdownHook(hook);
    ScheduledExecutorService frames = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ticker-frames");
      t.setDaemon(true);
      return t;
    });
    Thread keys = new Thread(this::readKeys, "ticker-keys");
    keys.setDaemon(true);
    try {
      synchronized (lock) {
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.keypad_xmit);
        terminal.puts(Capability.clear_screen);
        terminal.flush();
        display.clear();
      }
      frame();
      frames.scheduleAtFixedRate(this::frame, 1000 / FPS, 1000 / FPS, TimeUnit.MILLISECONDS);
      keys.start();
      started.countDown();
      quit.await();
    } finally {
      stopping = true;
      frames.shutdownNow();
      frames.awaitTermination(1, TimeUnit.SECONDS);
      keys.join(1000);
      restore(saved);
      terminal.handle(Terminal.Signal.INT, previousInt);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook runs (harmlessly) anyway.
      }
    }
  }

  /** Makes {@link #run()} restore the terminal and return. Any thread; idempotent. */
  public void stop() {
    stopping = true;
    quit.countDown();
  }

  /** Counted down once {@link #run()} has taken over the terminal (for tests). */
  CountDownLatch started() {
    return started;
  }

  private void restore(Attributes saved) {
    synchronized (lock) {
      if (restored) return;
      restored = true;
      terminal.puts(Capability.keypad_local);
      terminal.puts(Capability.cursor_visible);
      terminal.puts(Capability.exit_ca_mode);
      terminal.setAttributes(saved);
      terminal.flush();
    }
  }

  // ---------------------------------------------------------------- drawing

  /** Draws one frame from the model's latest view. Called by the frame timer and after each key. */
  void frame() {
    try {
      synchronized (lock) {
        if (restored) return;
        Size now = terminal.getSize();
        int rows = now.getRows() > 0 ? now.getRows() : 24;
        int cols = now.getColumns() > 0 ? now.getColumns() : 80;
        Size effective = Size.of(cols, rows);
        if (!effective.equals(size)) {
          size = effective;
          display.resize(effective);
          display.clear();
        }
        TickerView view = model.view();
        clampSelection(view.rows().size());
        String promptText = prompt == null ? null : prompt.label + input;
        if (notice != null && view.eventCount() > noticeAtEvent) notice = null;
        List<AttributedString> lines = Renderer.render(view, uiState(promptText), cols, rows);
        boolean showCursor = promptText != null;
        if (showCursor != cursorShown) {
          terminal.puts(showCursor ? Capability.cursor_visible : Capability.cursor_invisible);
          cursorShown = showCursor;
        }
        int column = promptText == null ? 0 : Math.min(cols - 1, new AttributedString(promptText).columnLength());
        display.update(lines, effective.cursorPos(rows - 1, column));
        terminal.flush();
      }
    } catch (RuntimeException e) {
      synchronized (lock) {
        notice = "render error: " + e;
      }
    }
  }

  private Renderer.UiState uiState(@Nullable String promptText) {
    Map<ChaosControl.Mode, Long> modes = null;
    if (chaos != null) {
      modes = new EnumMap<>(ChaosControl.Mode.class);
      for (ChaosControl.Mode m : ChaosControl.Mode.values()) {
        if (chaos.isEnabled(m)) modes.put(m, chaos.nextEventInMillis(m));
      }
    }
    return new Renderer.UiState(selected, modes, promptText, notice);
  }

  private void clampSelection(int rowCount) {
    if (selected >= rowCount) selected = rowCount - 1;
    if (selected < 0) selected = 0;
  }

  // ---------------------------------------------------------------- keys

  private void readKeys() {
    NonBlockingReader reader = terminal.reader();
    while (!stopping) {
      int key;
      try {
        int c = reader.read(100);
        if (c == NonBlockingReader.READ_EXPIRED) continue;
        if (c == NonBlockingReader.EOF) {
          stop();
          return;
        }
        key = c == KEY_ESC ? readEscape(reader) : c;
      } catch (IOException e) {
        stop();
        return;
      }
      onKey(key);
      frame();
    }
  }

  /** After an ESC: an arrow key ({@code ESC [ A} or, in keypad mode, {@code ESC O A}), or ESC. */
  private static int readEscape(NonBlockingReader reader) throws IOException {
    int c2 = reader.read(ESCAPE_TIMEOUT_MILLIS);
    if (c2 != '[' && c2 != 'O') return KEY_ESC;
    int c3 = reader.read(ESCAPE_TIMEOUT_MILLIS);
    if (c3 == 'A') return KEY_UP;
    if (c3 == 'B') return KEY_DOWN;
    return 0; // another sequence: ignored
  }

  /** Acts on one key (a character, {@link #KEY_UP}, {@link #KEY_DOWN} or {@link #KEY_ESC}). */
  void onKey(int key) {
    try {
      boolean inPrompt;
      synchronized (lock) {
        inPrompt = prompt != null;
      }
      if (key == CTRL_C) {
        stop();
      } else if (inPrompt) {
        onPromptKey(key);
      } else {
        onCommandKey(key);
      }
    } catch (RuntimeException e) {
      notice("error: " + e.getMessage());
    }
  }

  private void onCommandKey(int key) {
    notice(null);
    switch (key) {
      case 'q':
      case 'Q':
        stop();
        break;
      case 'a':
        openPrompt(PromptKind.ADD, "");
        break;
      case 'r': {
        String sym = selectedSymbol();
        openPrompt(PromptKind.REMOVE, sym == null ? "" : sym);
        break;
      }
      case 'l':
        openPrompt(PromptKind.ALERT, "");
        break;
      case 'f': {
        String sym = selectedSymbol();
        if (sym == null) {
          notice("no symbol to focus");
        } else {
          client.focus(sym);
          notice("focus " + sym);
        }
        break;
      }
      case 'n':
        notice(client.toggleNetwork() ? "network up" : "network down (simulated)");
        break;
      case 'k':
        if (chaos == null) {
          notice("chaos unavailable");
        } else {
          chaos.killNow();
          notice("k: killed every connection now (no close frame); the client reconnects on its own");
        }
        break;
      case KEY_UP:
        synchronized (lock) {
          selected = Math.max(0, selected - 1);
        }
        break;
      case KEY_DOWN:
        synchronized (lock) {
          selected = Math.min(Math.max(0, model.symbols().size() - 1), selected + 1);
        }
        break;
      default:
        if (key >= '1' && key <= '9') toggleChaos(key - '1');
        break;
    }
  }

  private void toggleChaos(int index) {
    ChaosControl.Mode[] modes = ChaosControl.Mode.values();
    if (index >= modes.length) return;
    if (chaos == null) {
      notice("chaos unavailable");
      return;
    }
    ChaosControl.Mode mode = modes[index];
    boolean on = !chaos.isEnabled(mode);
    chaos.set(mode, on);
    notice(Renderer.chaosNotice(mode, on));
  }

  private void onPromptKey(int key) {
    PromptKind kind;
    String text;
    synchronized (lock) {
      kind = prompt;
      if (kind == null) return;
      if (key == KEY_ESC) {
        prompt = null;
        return;
      }
      if (key == 127 || key == 8) {
        if (input.length() > 0) input.setLength(input.length() - 1);
        return;
      }
      if (key == CTRL_U) {
        input.setLength(0);
        return;
      }
      if (key != '\r' && key != '\n') {
        if (key >= 32 && input.length() < 64) input.append((char) key);
        return;
      }
      text = input.toString().trim();
      prompt = null;
    }
    submit(kind, text);
  }

  private void submit(PromptKind kind, String text) {
    if (text.isEmpty()) return;
    try {
      switch (kind) {
        case ADD: {
          String sym = text.toUpperCase(Locale.ROOT);
          notice(client.addSymbol(sym) ? "added " + sym : sym + " is already shown");
          break;
        }
        case REMOVE: {
          String sym = text.toUpperCase(Locale.ROOT);
          notice(client.removeSymbol(sym) ? "removed " + sym : sym + " is not shown");
          break;
        }
        case ALERT: {
          AlertCommand a = AlertCommand.parse(text);
          client.setAlert(a.id(), a.symbol(), a.direction(), a.thresholdMicros());
          notice("alert " + a.id() + " sent: " + a.symbol() + " "
              + (a.direction() == PriceAlert.Direction.BELOW ? "<" : ">") + " "
              + Fmt.price(a.thresholdMicros()));
          break;
        }
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      notice(e.getMessage());
    }
  }

  private void openPrompt(PromptKind kind, String initial) {
    synchronized (lock) {
      prompt = kind;
      input.setLength(0);
      input.append(initial);
    }
  }

  private @Nullable String selectedSymbol() {
    List<String> symbols = model.symbols();
    if (symbols.isEmpty()) return null;
    synchronized (lock) {
      return symbols.get(Math.max(0, Math.min(selected, symbols.size() - 1)));
    }
  }

  private void notice(@Nullable String text) {
    long events = model.eventCount();
    synchronized (lock) {
      notice = text;
      noticeAtEvent = events;
    }
  }

  /** The alert prompt's input, {@code ID SYMBOL >|< PRICE}, parsed. */
  record AlertCommand(String id, String symbol, PriceAlert.Direction direction, long thresholdMicros) {
    /**
     * Parses e.g. {@code "a1 AAPL > 190.50"}; the direction may also be written {@code above} or
     * {@code below}.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    static AlertCommand parse(String text) {
      String[] t = text.trim().split("\\s+");
      if (t.length != 4) throw new IllegalArgumentException("alert needs: ID SYMBOL >|< PRICE");
      PriceAlert.Direction direction;
      switch (t[2].toLowerCase(Locale.ROOT)) {
        case ">":
        case "above":
          direction = PriceAlert.Direction.ABOVE;
          break;
        case "<":
        case "below":
          direction = PriceAlert.Direction.BELOW;
          break;
        default:
          throw new IllegalArgumentException("direction must be > or <: " + t[2]);
      }
      return new AlertCommand(t[0], t[1].toUpperCase(Locale.ROOT), direction, Fmt.parsePrice(t[3]));
    }
  }
}
