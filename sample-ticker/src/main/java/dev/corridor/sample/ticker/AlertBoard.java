package dev.corridor.sample.ticker;

import dev.corridor.SendResult;
import dev.corridor.sample.proto.PriceAlert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The alerts the user set and what became of them. Each alert id shows its newest edit:
 * {@link #sent} opens a new revision in {@link AlertStatus#PENDING}; {@link #ended} with an older
 * revision only counts (an older edit typically ends {@code SUPERSEDED} by the newer one, which
 * keeps its own status).
 *
 * <p><b>Thread:</b> not thread-safe; {@link TickerModel} guards it with its lock.
 */
final class AlertBoard {
  private final LinkedHashMap<String, AlertState> alerts = new LinkedHashMap<>();
  long sent;
  long acked;
  long superseded;
  long expired;
  long rejected;
  long triggered;

  /** A new edit of alert {@code id}; returns its revision. */
  int sent(String id, String symbol, PriceAlert.Direction direction, long thresholdMicros) {
    sent++;
    AlertState a = alerts.computeIfAbsent(id, AlertState::new);
    a.revision++;
    a.symbol = symbol;
    a.direction = direction;
    a.thresholdMicros = thresholdMicros;
    a.status = AlertStatus.PENDING;
    a.detail = "";
    return a.revision;
  }

  /** How revision {@code revision} of alert {@code id} ended; returns an event to show, or null. */
  @Nullable String ended(String id, int revision, SendResult result) {
    AlertStatus status;
    switch (result.outcome()) {
      case ACKNOWLEDGED:
      case WRITTEN:
        acked++;
        status = AlertStatus.ACKNOWLEDGED;
        break;
      case SUPERSEDED:
        superseded++;
        status = AlertStatus.SUPERSEDED;
        break;
      case EXPIRED:
        expired++;
        status = AlertStatus.EXPIRED;
        break;
      case REJECTED:
        rejected++;
        status = AlertStatus.REJECTED;
        break;
      default:
        status = AlertStatus.FAILED;
        break;
    }
    AlertState a = alerts.get(id);
    if (a == null || a.revision != revision) return null; // an older edit: counted only
    if (a.status == AlertStatus.TRIGGERED && status == AlertStatus.ACKNOWLEDGED) return null;
    a.status = status;
    if (status == AlertStatus.REJECTED) {
      a.detail = reason(result);
      return "alert " + id + " rejected: " + a.detail;
    }
    a.detail = status == AlertStatus.FAILED ? result.outcome().name() : "";
    return null;
  }

  /** The server's reason, else its code: said once, whatever the status already says. */
  private static String reason(SendResult result) {
    String message = result.errorMessage();
    if (message != null && !message.isEmpty()) return message;
    String code = result.errorCode();
    return code != null && !code.isEmpty() ? code : "no reason given";
  }

  /** Alert {@code id} triggered at {@code priceMicros}; returns the event to show. */
  String triggered(String id, String symbol, long priceMicros) {
    triggered++;
    AlertState a = alerts.computeIfAbsent(id, AlertState::new);
    if (a.symbol.isEmpty()) a.symbol = symbol;
    a.status = AlertStatus.TRIGGERED;
    // The trigger price in the threshold's format, so the row reads "> 10.00 TRIGGERED at 10.01".
    int decimals = Fmt.decimalsFor(a.direction == null ? priceMicros : a.thresholdMicros);
    a.detail = "at " + Fmt.decimal(priceMicros, decimals);
    return "alert " + id + " triggered: " + a.symbol + " " + a.detail;
  }

  List<AlertRow> rows() {
    List<AlertRow> rows = new ArrayList<>(alerts.size());
    for (AlertState a : alerts.values()) {
      rows.add(new AlertRow(a.id, a.symbol, a.direction, a.thresholdMicros, a.status, a.detail));
    }
    return rows;
  }

  private static final class AlertState {
    final String id;
    String symbol = "";
    PriceAlert.@Nullable Direction direction;
    long thresholdMicros;
    AlertStatus status = AlertStatus.PENDING;
    String detail = "";
    int revision;

    AlertState(String id) {
      this.id = id;
    }
  }
}
