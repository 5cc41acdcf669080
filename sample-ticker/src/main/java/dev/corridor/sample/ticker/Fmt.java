package dev.corridor.sample.ticker;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** Number formatting shared by the renderers. Pure functions; any thread. */
final class Fmt {
  private Fmt() {}

  /** Prices below 10 get four decimals, the rest two. */
  static int decimalsFor(long priceMicros) {
    return Math.abs(priceMicros) < 10_000_000L ? 4 : 2;
  }

  /** {@code 189250000} -> {@code "189.25"}; {@code 1234500} -> {@code "1.2345"}. Half up. */
  static String price(long micros) {
    return decimal(micros, decimalsFor(micros));
  }

  /** A price with a fixed number of decimals, rounded half up (away from zero). */
  static String decimal(long micros, int decimals) {
    return BigDecimal.valueOf(micros, 6).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
  }

  /** A change, signed when not zero: {@code "+1.25"}, {@code "-0.50"}, {@code "0.00"}. */
  static String signed(long micros, int decimals) {
    String s = decimal(micros, decimals);
    return micros > 0 ? "+" + s : s;
  }

  /** A percentage with two decimals, signed when not zero: {@code "+0.66%"}. */
  static String percent(double percent) {
    String s = String.format(Locale.ROOT, "%.2f", percent);
    if (s.equals("-0.00")) s = "0.00";
    return (percent > 0 && !s.equals("0.00") ? "+" : "") + s + "%";
  }

  /** A round-trip time: {@code "-"} when unknown, {@code "3.4ms"} below 10 ms, else {@code "12ms"}. */
  static String rtt(long nanos) {
    if (nanos <= 0) return "-";
    double ms = nanos / 1e6;
    return ms < 10 ? String.format(Locale.ROOT, "%.1fms", ms) : Math.round(ms) + "ms";
  }

  /** A delay in seconds with one decimal: {@code "1.2s"}. */
  static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
  }

  /** A rate: whole numbers from 10 up, one decimal below. */
  static String rate(double perSecond) {
    return perSecond >= 10 || perSecond == 0
        ? Long.toString(Math.round(perSecond))
        : String.format(Locale.ROOT, "%.1f", perSecond);
  }

  /**
   * Parses a user-typed price ("189.25") into micros.
   *
   * @throws IllegalArgumentException if it is not a positive number with at most 6 decimals
   */
  static long parsePrice(String text) {
    BigDecimal value;
    try {
      value = new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a price: " + text);
    }
    if (value.signum() <= 0) throw new IllegalArgumentException("price must be positive: " + text);
    try {
      return value.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("too many decimals or too large: " + text);
    }
  }

  static String padLeft(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  static String padRight(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
