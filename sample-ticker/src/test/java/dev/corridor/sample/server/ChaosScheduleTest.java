package dev.corridor.sample.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.sample.ChaosControl;
import dev.corridor.sample.ChaosControl.Mode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chaos timetable, in virtual time (the caller's milliseconds). */
class ChaosScheduleTest {
  @Test
  void anEventModeFiresSoonAfterItIsSwitchedOnThenWithinItsInterval() {
    ChaosSchedule s = new ChaosSchedule(1);
    s.set(Mode.STALL, true, 10_000);
    assertThat(s.nextInMillis(Mode.STALL, 10_000)).isEqualTo(ChaosControl.FIRST_EVENT_MILLIS);
    assertThat(s.takeDue(11_999)).isEmpty();
    assertThat(s.nextInMillis(Mode.STALL, 11_500)).isEqualTo(500);

    assertThat(s.takeDue(12_000)).containsExactly(Mode.STALL);
    long next = s.nextInMillis(Mode.STALL, 12_000);
    assertThat(next).isBetween(Mode.STALL.minIntervalMillis(), Mode.STALL.maxIntervalMillis());
    assertThat(s.takeDue(12_000 + next - 1)).isEmpty();
    assertThat(s.takeDue(12_000 + next)).containsExactly(Mode.STALL);
  }

  @Test
  void standingModesAndModesSwitchedOffHaveNoNextEvent() {
    ChaosSchedule s = new ChaosSchedule(1);
    s.set(Mode.DELAY_ACKS, true, 0);
    s.set(Mode.DROP_ACKS, true, 0);
    assertThat(s.nextInMillis(Mode.DELAY_ACKS, 0)).isEqualTo(-1);
    assertThat(s.takeDue(1_000_000)).isEmpty();

    s.set(Mode.KILL, true, 0);
    s.set(Mode.KILL, false, 100);
    assertThat(s.nextInMillis(Mode.KILL, 100)).isEqualTo(-1);
    assertThat(s.takeDue(1_000_000)).isEmpty();
  }

  @Test
  void switchingAModeOnAgainWhileOnKeepsItsTimetable() {
    ChaosSchedule s = new ChaosSchedule(1);
    s.set(Mode.KILL, true, 0);
    s.set(Mode.KILL, true, 1_500);
    assertThat(s.nextInMillis(Mode.KILL, 1_500)).isEqualTo(500);
  }

  @Test
  void theSameSeedGivesTheSameTimetableAndAnotherSeedAnother() {
    assertThat(timetable(7)).isEqualTo(timetable(7));
    assertThat(timetable(7)).isNotEqualTo(timetable(8));
  }

  /** Ten minutes with every mode on, checked every 250 ms: "time mode" per event. */
  private static List<String> timetable(long seed) {
    ChaosSchedule s = new ChaosSchedule(seed);
    for (Mode m : Mode.values()) s.set(m, true, 0);
    List<String> events = new ArrayList<>();
    for (long t = 0; t <= 600_000; t += Chaos.TICK_MILLIS) {
      for (Mode m : s.takeDue(t)) events.add(t + " " + m.label());
    }
    assertThat(events).hasSizeGreaterThan(100);
    return events;
  }
}
