package dev.corridor.sample.market;

import dev.corridor.sample.proto.AlertTriggered;
import dev.corridor.sample.proto.PriceAlert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Price alerts set by clients ("notify me when AAPL crosses 200"), checked against every trade.
 * An alert fires once and is then removed. Thread-safe.
 */
public final class AlertBook {
  /** An alert that fired, for the client that set it. */
  public record Fired(String clientId, AlertTriggered event) {}

  private record Key(String clientId, String alertId) {}

  private final Map<Key, PriceAlert> alerts = new LinkedHashMap<>();
  /** Every alert edit applied, per client and alert id, in order (for tests and the demo summary). */
  private final List<String> applied = new ArrayList<>();

  /** Sets, replaces or (with {@code cancel}) removes an alert. */
  public synchronized void apply(String clientId, PriceAlert alert) {
    Key key = new Key(clientId, alert.getAlertId());
    applied.add(clientId + "/" + alert.getAlertId() + "@" + alert.getThresholdMicros());
    if (alert.getCancel()) {
      alerts.remove(key);
    } else {
      alerts.put(key, alert);
    }
  }

  /** Alerts that {@code priceMicros} on {@code symbol} triggers; they are removed. */
  public synchronized List<Fired> check(String symbol, long priceMicros, long nowMillis) {
    List<Fired> fired = new ArrayList<>();
    var it = alerts.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      PriceAlert a = e.getValue();
      if (!a.getSymbol().equals(symbol)) continue;
      boolean crossed = a.getDirection() == PriceAlert.Direction.ABOVE
          ? priceMicros >= a.getThresholdMicros() : priceMicros <= a.getThresholdMicros();
      if (crossed) {
        it.remove();
        fired.add(new Fired(e.getKey().clientId(), AlertTriggered.newBuilder().setAlertId(a.getAlertId())
            .setSymbol(symbol).setPriceMicros(priceMicros).setTimeMs(nowMillis).build()));
      }
    }
    return fired;
  }

  public synchronized int size() {
    return alerts.size();
  }

  /** Every edit applied so far, as {@code client/alert@threshold}. */
  public synchronized List<String> applied() {
    return new ArrayList<>(applied);
  }
}
