package dev.corridor.server;

/**
 * The server's engine (its Redis) could not be reached, so nothing was stored. Thrown by {@link
 * CorridorServer#publish}; the caller may try again later.
 */
public final class EngineUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  EngineUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
