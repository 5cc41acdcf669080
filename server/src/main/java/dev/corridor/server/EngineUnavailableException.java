package dev.corridor.server;

/**
 * The server's engine (its Redis) could not be reached, or did not answer within its command
 * timeout (2 s). Thrown by {@link CorridorServer#publish}. When Redis was unreachable nothing was
 * stored; after a timeout the message may have been stored all the same, so a caller that tries
 * again may publish it twice (a key lets LATEST subscribers supersede the first).
 */
public final class EngineUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  EngineUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
