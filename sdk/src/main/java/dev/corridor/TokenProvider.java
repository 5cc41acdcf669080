package dev.corridor;

import org.jspecify.annotations.Nullable;

/**
 * Supplies the credential for each connection attempt. The token is sent in the
 * {@code Authorization: Bearer} header of the WebSocket upgrade (never in the URL) and never
 * appears in logs, events or exception messages.
 *
 * <p>Called once per attempt on the client's token executor (a background thread by default), so it
 * may block, for example to refresh an OAuth token. After the server rejects a token (HTTP 401 or
 * 403 on the upgrade, or close code 4001), the next call has {@code forceRefresh} set: return a
 * fresh token, not a cached one. If that fresh token is rejected too, the client stops in
 * {@link ConnectionState#FAILED}.
 */
public interface TokenProvider {
  /** Sends no credentials. */
  TokenProvider NONE = forceRefresh -> null;

  /**
   * @return the token, or null to send none
   * @throws Exception if no token can be had now; the attempt then fails as retryable
   */
  @Nullable String token(boolean forceRefresh) throws Exception;
}
