package dev.corridor.internal.connection;

import java.text.ParseException;
import java.text.SimpleDateFormat;
import java.util.Locale;
import java.util.TimeZone;
import org.jspecify.annotations.Nullable;

/** Parses server hints of how long to wait: HTTP {@code Retry-After} and close reasons. */
final class RetryAfter {
  private RetryAfter() {}

  /**
   * An HTTP {@code Retry-After} value (delay-seconds or an IMF-fixdate, RFC 9110 section 10.2.3)
   * in ms from {@code nowMillis}, or -1 when absent or unparseable.
   */
  static long fromHttpHeader(@Nullable String value, long nowMillis) {
    if (value == null) return -1;
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? -1 : Math.min(seconds, Integer.MAX_VALUE) * 1000L;
    } catch (NumberFormatException notSeconds) {
      SimpleDateFormat format = new SimpleDateFormat("EEE, dd MMM yyyy HH:mm:ss zzz", Locale.US);
      format.setTimeZone(TimeZone.getTimeZone("GMT"));
      try {
        return Math.max(0, format.parse(v).getTime() - nowMillis);
      } catch (ParseException e) {
        return -1;
      }
    }
  }

  /**
   * A close reason of the form {@code retry-after=<seconds>} (optionally after other text and a
   * semicolon), as protocol v1 servers send with close codes 1013 and 4029; -1 when absent.
   */
  static long fromCloseReason(String reason) {
    int i = reason.indexOf("retry-after=");
    if (i < 0) return -1;
    int start = i + "retry-after=".length();
    int end = start;
    while (end < reason.length() && Character.isDigit(reason.charAt(end))) end++;
    if (end == start || end - start > 9) return -1;
    return Long.parseLong(reason.substring(start, end)) * 1000L;
  }
}
