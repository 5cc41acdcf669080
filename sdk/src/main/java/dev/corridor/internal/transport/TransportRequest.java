package dev.corridor.internal.transport;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What to open: URL and headers. The headers may hold credentials: never log them. */
public final class TransportRequest {
  private final String url;
  private final Map<String, String> headers;

  public TransportRequest(String url, Map<String, String> headers) {
    this.url = url;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  public String url() {
    return url;
  }

  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public String toString() {
    return "TransportRequest{" + url + ", headers=" + headers.keySet() + "}";
  }
}
