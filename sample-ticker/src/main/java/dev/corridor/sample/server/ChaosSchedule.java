package dev.corridor.sample.server;

import dev.corridor.sample.ChaosControl.Mode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * When each chaos mode fires next: a pure, seeded timetable in the caller's time (milliseconds on
 * any clock). Switching an event mode on makes it due {@link dev.corridor.sample.ChaosControl#FIRST_EVENT_MILLIS}
 * later; each time it fires, the next one is drawn uniformly between the mode's minimum and maximum
 * interval. The same seed and the same calls at the same times give the same timetable, whatever
 * else happens on the server. Not thread-safe: {@link Chaos} guards it.
 */
final class ChaosSchedule {
  private final Random random;
  /** Due time of each event mode that is on. */
  private final Map<Mode, Long> due = new EnumMap<>(Mode.class);

  ChaosSchedule(long seed) {
    this.random = new Random(seed);
  }

  /** Switches {@code mode} on (first event due soon, if it is an event mode) or off. */
  void set(Mode mode, boolean on, long nowMillis) {
    if (!on) {
      due.remove(mode);
    } else if (mode.isEvent() && !due.containsKey(mode)) {
      due.put(mode, nowMillis + dev.corridor.sample.ChaosControl.FIRST_EVENT_MILLIS);
    }
  }

  /** The modes due at {@code nowMillis}, in enum order; each is rescheduled from now. */
  List<Mode> takeDue(long nowMillis) {
    List<Mode> fired = new ArrayList<>();
    for (Map.Entry<Mode, Long> e : due.entrySet()) {
      if (e.getValue() > nowMillis) continue;
      Mode m = e.getKey();
      fired.add(m);
      long span = m.maxIntervalMillis() - m.minIntervalMillis();
      e.setValue(nowMillis + m.minIntervalMillis() + (span <= 0 ? 0 : (long) (random.nextDouble() * span)));
    }
    return fired;
  }

  /** Time until {@code mode}'s next event, 0 if overdue; -1 if it is off or standing. */
  long nextInMillis(Mode mode, long nowMillis) {
    Long at = due.get(mode);
    return at == null ? -1 : Math.max(0, at - nowMillis);
  }
}
