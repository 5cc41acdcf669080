package dev.corridor.sample.ticker;

import dev.corridor.ConnectionState;
import dev.corridor.SendResult;
import dev.corridor.sample.ChaosControl;
import dev.corridor.sample.proto.PriceAlert;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jspecify.annotations.Nullable;

/**
 * Lays out one screen of the ticker from a {@link TickerView}: a pure function of the view,
 * the UI's own state and the terminal size, returning exactly {@code height} lines of at most
 * {@code width} columns.
 *
 * <pre>
 * status      CONNECTED  rtt 12ms  msgs/s 120  reconnects 2  outbox 0  rejected 0
 * counters    replays 5  discontinuities 0  drops expired 2, superseded 1
 * health      app check ok  network up  (last error: ...)
 * chaos keys  chaos  1:kill 2:stall 3:restart 4:restart-lose 5:delay-acks 6:drop-acks 7:trim
 * chaos next  next:  kill in 2.1s (every 4-8 s)  delay-acks on
 *             (blank)
 * table         SYMBOL    LAST    CHG    %CHG        BID/ASK  TRADES  TREND
 *             &gt; AAPL    189.25  +1.25  +0.66%  189.20/189.30      42  ▁▃▅█
 *             (blank)
 * alerts      ALERTS  sent 1  acked 1  superseded 0  expired 0  rejected 0
 *               a1  AAPL  &gt; 190.00  ACKNOWLEDGED
 *             ... blank filler ...
 * notice      the UI's notice, else the model's last event
 * help        a add  r remove  l alert ...   (or the prompt while one is open)
 * </pre>
 *
 * The status line has the same fields in the same order as plain mode's ({@link StatusLine}).
 * Chaos modes go by their {@link ChaosControl.Mode#label() label} in the legend and in the
 * next-event line alike. Prices are shown with 2 decimals, 4 below 10. Rising prices are green,
 * falling red. {@link #renderPlain} gives the same lines as plain text, without trailing spaces,
 * for tests and non-ANSI output.
 *
 * <p><b>Thread:</b> stateless; any thread.
 */
public final class Renderer {
  /** The help line. */
  public static final String HELP =
      "a add  r remove  l alert  f focus  ↑/↓ select  n net  k kill  1-7 chaos  q quit";

  private static final AttributedStyle UP = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
  private static final AttributedStyle DOWN = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
  private static final AttributedStyle WARN = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
  private static final AttributedStyle BOLD = AttributedStyle.BOLD;
  private static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();

  private Renderer() {}

  /**
   * What the UI itself adds to the model's view.
   *
   * @param selected index of the selected row (may be out of range: nothing is selected then)
   * @param chaos the chaos modes that are on, each with the time to its next event in ms (-1 for
   *     a standing mode); null when no chaos control is available
   * @param prompt the open prompt including what was typed so far, shown instead of the help line
   * @param notice a message for the user, shown instead of the model's last event
   */
  public record UiState(int selected, @Nullable Map<ChaosControl.Mode, Long> chaos,
      @Nullable String prompt, @Nullable String notice) {
    /** Nothing selected, no chaos control, no prompt, no notice. */
    public static final UiState NONE = new UiState(-1, null, null, null);

    public UiState {
      if (chaos != null) {
        EnumMap<ChaosControl.Mode, Long> copy = new EnumMap<>(ChaosControl.Mode.class);
        copy.putAll(chaos);
        chaos = Collections.unmodifiableMap(copy);
      }
    }
  }

  /** The screen as styled lines: exactly {@code height} of them, each at most {@code width} wide. */
  public static List<AttributedString> render(TickerView view, UiState ui, int width, int height) {
    List<AttributedString> top = List.of(statusLine(view), countersLine(view), healthLine(view),
        chaosLegend(ui), chaosNext(ui), AttributedString.EMPTY);
    List<AttributedString> bottom = List.of(noticeLine(view, ui), helpLine(ui));
    List<AttributedString> out = new ArrayList<>(Math.max(height, 0));
    if (height < top.size() + bottom.size()) {
      int keepBottom = Math.min(bottom.size(), Math.max(height, 0));
      for (int i = 0; i < height - keepBottom; i++) out.add(top.get(i));
      for (int i = bottom.size() - keepBottom; i < bottom.size(); i++) out.add(bottom.get(i));
    } else {
      List<AttributedString> body = new ArrayList<>(table(view, ui));
      body.add(AttributedString.EMPTY);
      body.addAll(alerts(view));
      int space = height - top.size() - bottom.size();
      if (body.size() > space) {
        int hidden = body.size() - space + 1;
        body = new ArrayList<>(body.subList(0, space - 1));
        body.add(new AttributedString("  ... " + hidden + " more lines (enlarge the window)", DIM));
      }
      out.addAll(top);
      out.addAll(body);
      while (out.size() < height - bottom.size()) out.add(AttributedString.EMPTY);
      out.addAll(bottom);
    }
    List<AttributedString> clipped = new ArrayList<>(out.size());
    for (AttributedString line : out) {
      clipped.add(line.columnLength() > width ? line.columnSubSequence(0, Math.max(width, 0)) : line);
    }
    return clipped;
  }

  /** {@link #render} as plain text, trailing spaces removed. */
  public static List<String> renderPlain(TickerView view, UiState ui, int width, int height) {
    List<String> out = new ArrayList<>();
    for (AttributedString line : render(view, ui, width, height)) out.add(line.toString().stripTrailing());
    return out;
  }

  // ---------------------------------------------------------------- status

  private static AttributedString statusLine(TickerView v) {
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.styled(stateStyle(v.state()), StatusLine.state(v));
    for (String field : StatusLine.counters(v)) b.append("  ").append(field);
    return b.toAttributedString();
  }

  private static AttributedString countersLine(TickerView v) {
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.append("replays " + v.summary().replayed());
    b.append("  discontinuities " + v.summary().discontinuities());
    b.append("  drops ");
    if (v.drops().isEmpty()) {
      b.append("none");
    } else {
      List<String> parts = new ArrayList<>();
      for (Map.Entry<SendResult.Outcome, Long> e : v.drops().entrySet()) {
        parts.add(e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue());
      }
      b.styled(WARN, String.join(", ", parts));
    }
    return b.toAttributedString();
  }

  private static AttributedStyle stateStyle(ConnectionState state) {
    switch (state) {
      case CONNECTED:
        return UP.bold();
      case CONNECTING:
      case WAITING_TO_RETRY:
      case CLOSING:
        return WARN.bold();
      case OFFLINE:
      case FAILED:
      case CLOSED:
        return DOWN.bold();
      default:
        return BOLD;
    }
  }

  private static AttributedString healthLine(TickerView v) {
    AttributedStringBuilder b = new AttributedStringBuilder();
    TickerSummary s = v.summary();
    b.append("app check ");
    if (s.ok()) {
      b.styled(UP, "ok");
    } else {
      b.styled(DOWN.bold(), s.appDuplicates() + " duplicates, " + s.appGaps() + " gaps");
    }
    b.append("  network ");
    if (v.networkDown()) b.styled(DOWN.bold(), "DOWN (simulated)");
    else b.append("up");
    if (!v.stateDetail().isEmpty() && v.state() != ConnectionState.CONNECTED) {
      b.append("  last error: ").styled(DIM, v.stateDetail());
    }
    return b.toAttributedString();
  }

  private static AttributedString chaosLegend(UiState ui) {
    AttributedStringBuilder b = new AttributedStringBuilder();
    if (ui.chaos() == null) {
      return b.append("chaos ").styled(DIM, "unavailable (client only)").toAttributedString();
    }
    b.append("chaos ");
    ChaosControl.Mode[] modes = ChaosControl.Mode.values();
    for (int i = 0; i < modes.length; i++) {
      b.append(" ");
      String label = (i + 1) + ":" + modes[i].label();
      b.styled(ui.chaos().containsKey(modes[i]) ? AttributedStyle.INVERSE : DIM, label);
    }
    return b.toAttributedString();
  }

  /**
   * When the chaos modes that are on act next, and how often:
   * {@code next:  kill in 2.1s (every 4-8 s)  delay-acks on}.
   */
  private static AttributedString chaosNext(UiState ui) {
    Map<ChaosControl.Mode, Long> chaos = ui.chaos();
    if (chaos == null) return AttributedString.EMPTY;
    if (chaos.isEmpty()) {
      return new AttributedString("chaos off: 1-7 switch a fault on, k kills the connection now", DIM);
    }
    AttributedStringBuilder b = new AttributedStringBuilder().append("next:");
    for (Map.Entry<ChaosControl.Mode, Long> e : chaos.entrySet()) {
      b.append("  ").styled(WARN.bold(), e.getKey().label());
      ChaosControl.Mode m = e.getKey();
      b.append(e.getValue() < 0 ? " on" : " in " + Fmt.seconds(e.getValue()) + " (every "
          + m.minIntervalMillis() / 1000 + "-" + m.maxIntervalMillis() / 1000 + " s)");
    }
    return b.toAttributedString();
  }

  /**
   * What the UI says when a chaos key switches {@code mode}: what it does, e.g.
   * {@code "kill on: drops a connection abruptly (no close frame)"}; the next-event line says when.
   */
  static String chaosNotice(ChaosControl.Mode mode, boolean on) {
    return on ? mode.label() + " on: " + mode.effect() : mode.label() + " off";
  }

  // ---------------------------------------------------------------- table

  private static List<AttributedString> table(TickerView v, UiState ui) {
    String[] headers = {"SYMBOL", "LAST", "CHG", "%CHG", "BID/ASK", "TRADES"};
    List<String[]> cells = new ArrayList<>();
    for (SymbolRow r : v.rows()) {
      if (r.hasQuote()) {
        int decimals = Fmt.decimalsFor(r.lastMicros());
        cells.add(new String[] {r.symbol(), Fmt.price(r.lastMicros()),
            Fmt.signed(r.changeMicros(), decimals), Fmt.percent(r.changePercent()),
            Fmt.price(r.bidMicros()) + "/" + Fmt.price(r.askMicros()), Long.toString(r.trades())});
      } else {
        cells.add(new String[] {r.symbol(), "-", "-", "-", "-", Long.toString(r.trades())});
      }
    }
    int[] widths = new int[headers.length];
    for (int c = 0; c < headers.length; c++) {
      widths[c] = headers[c].length();
      for (String[] row : cells) widths[c] = Math.max(widths[c], row[c].length());
    }
    List<AttributedString> out = new ArrayList<>();
    AttributedStringBuilder h = new AttributedStringBuilder().style(BOLD).append("  ");
    for (int c = 0; c < headers.length; c++) {
      if (c > 0) h.append("  ");
      h.append(c == 0 ? Fmt.padRight(headers[c], widths[c]) : Fmt.padLeft(headers[c], widths[c]));
    }
    h.append("  TREND");
    out.add(h.toAttributedString());
    if (v.rows().isEmpty()) {
      out.add(new AttributedString("  no symbols: press a to add one", DIM));
      return out;
    }
    for (int i = 0; i < cells.size(); i++) {
      SymbolRow r = v.rows().get(i);
      String[] row = cells.get(i);
      boolean selected = i == ui.selected();
      AttributedStyle base = selected ? BOLD : AttributedStyle.DEFAULT;
      AttributedStyle move = !r.hasQuote() || r.changeMicros() == 0 ? base
          : r.changeMicros() > 0 ? (selected ? UP.bold() : UP) : (selected ? DOWN.bold() : DOWN);
      AttributedStringBuilder b = new AttributedStringBuilder();
      b.styled(selected ? AttributedStyle.INVERSE : base, selected ? ">" : " ");
      b.styled(base, r.symbol().equals(v.focused()) ? "*" : " ");
      b.styled(base, Fmt.padRight(row[0], widths[0]));
      for (int c = 1; c < row.length; c++) {
        b.append("  ");
        AttributedStyle style = c <= 3 ? move : base;
        b.styled(style, Fmt.padLeft(row[c], widths[c]));
      }
      b.append("  ");
      if (r.hasQuote()) {
        b.styled(move, r.sparkline());
      } else {
        b.styled(DIM, "waiting for the first quote");
      }
      out.add(b.toAttributedString());
    }
    return out;
  }

  // ---------------------------------------------------------------- alerts

  private static List<AttributedString> alerts(TickerView v) {
    List<AttributedString> out = new ArrayList<>();
    TickerSummary s = v.summary();
    out.add(new AttributedStringBuilder()
        .styled(BOLD, "ALERTS")
        .append("  sent " + s.alertsSent() + "  acked " + s.alertsAcked() + "  superseded "
            + s.alertsSuperseded() + "  expired " + s.alertsExpired() + "  rejected " + s.alertsRejected())
        .toAttributedString());
    if (v.alerts().isEmpty()) {
      out.add(new AttributedString("  none yet: press l to set one", DIM));
      return out;
    }
    int idWidth = 0;
    int symbolWidth = 0;
    int priceWidth = 0;
    for (AlertRow a : v.alerts()) {
      idWidth = Math.max(idWidth, a.id().length());
      symbolWidth = Math.max(symbolWidth, a.symbol().length());
      priceWidth = Math.max(priceWidth, threshold(a).length());
    }
    for (AlertRow a : v.alerts()) {
      AttributedStringBuilder b = new AttributedStringBuilder();
      b.append("  ").append(Fmt.padRight(a.id(), idWidth));
      b.append("  ").append(Fmt.padRight(a.symbol(), symbolWidth));
      b.append("  ").append(direction(a.direction()));
      b.append(" ").append(Fmt.padLeft(threshold(a), priceWidth));
      b.append("  ").styled(alertStyle(a.status()), a.status().name());
      if (!a.detail().isEmpty()) b.append(" ").append(a.detail());
      out.add(b.toAttributedString());
    }
    return out;
  }

  private static String threshold(AlertRow a) {
    return a.direction() == null ? "-" : Fmt.price(a.thresholdMicros());
  }

  private static String direction(PriceAlert.@Nullable Direction d) {
    if (d == null) return "?";
    return d == PriceAlert.Direction.BELOW ? "<" : ">";
  }

  private static AttributedStyle alertStyle(AlertStatus status) {
    switch (status) {
      case ACKNOWLEDGED:
        return UP;
      case TRIGGERED:
        return WARN.bold();
      case PENDING:
      case SUPERSEDED:
        return AttributedStyle.DEFAULT;
      default:
        return DOWN;
    }
  }

  // ---------------------------------------------------------------- bottom

  private static AttributedString noticeLine(TickerView v, UiState ui) {
    if (ui.notice() != null) return new AttributedString(ui.notice(), WARN);
    if (v.lastEvent() != null) return new AttributedString(v.lastEvent(), DIM);
    return AttributedString.EMPTY;
  }

  private static AttributedString helpLine(UiState ui) {
    if (ui.prompt() != null) return new AttributedString(ui.prompt(), BOLD);
    return new AttributedString(HELP, AttributedStyle.INVERSE);
  }
}
