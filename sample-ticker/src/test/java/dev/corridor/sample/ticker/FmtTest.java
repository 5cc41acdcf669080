package dev.corridor.sample.ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FmtTest {
  @Test
  void pricesHaveTwoDecimalsAndFourBelowTen() {
    assertThat(Fmt.price(189_250_000)).isEqualTo("189.25");
    assertThat(Fmt.price(189_255_000)).isEqualTo("189.26"); // half up
    assertThat(Fmt.price(10_000_000)).isEqualTo("10.00");
    assertThat(Fmt.price(9_999_999)).isEqualTo("10.0000");
    assertThat(Fmt.price(4_123_400)).isEqualTo("4.1234");
    assertThat(Fmt.price(0)).isEqualTo("0.0000");
  }

  @Test
  void changesAndPercentagesAreSigned() {
    assertThat(Fmt.signed(1_250_000, 2)).isEqualTo("+1.25");
    assertThat(Fmt.signed(-500_000, 2)).isEqualTo("-0.50");
    assertThat(Fmt.signed(0, 2)).isEqualTo("0.00");
    assertThat(Fmt.percent(0.6649)).isEqualTo("+0.66%");
    assertThat(Fmt.percent(-1.0976)).isEqualTo("-1.10%");
    assertThat(Fmt.percent(0.001)).isEqualTo("0.00%");
    assertThat(Fmt.percent(-0.001)).isEqualTo("0.00%");
  }

  @Test
  void timesAndRates() {
    assertThat(Fmt.rtt(0)).isEqualTo("-");
    assertThat(Fmt.rtt(3_400_000)).isEqualTo("3.4ms");
    assertThat(Fmt.rtt(12_300_000)).isEqualTo("12ms");
    assertThat(Fmt.seconds(1234)).isEqualTo("1.2s");
    assertThat(Fmt.rate(0)).isEqualTo("0");
    assertThat(Fmt.rate(2.5)).isEqualTo("2.5");
    assertThat(Fmt.rate(119.6)).isEqualTo("120");
  }

  @Test
  void typedPricesBecomeMicros() {
    assertThat(Fmt.parsePrice("189.25")).isEqualTo(189_250_000);
    assertThat(Fmt.parsePrice(" 4.123456 ")).isEqualTo(4_123_456);
    assertThat(Fmt.parsePrice("300")).isEqualTo(300_000_000);
    assertThatThrownBy(() -> Fmt.parsePrice("abc")).hasMessage("not a price: abc");
    assertThatThrownBy(() -> Fmt.parsePrice("-1")).hasMessage("price must be positive: -1");
    assertThatThrownBy(() -> Fmt.parsePrice("1.0000001")).hasMessageStartingWith("too many decimals");
  }
}
