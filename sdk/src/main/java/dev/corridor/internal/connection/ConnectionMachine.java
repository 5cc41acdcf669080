package dev.corridor.internal.connection;

import static dev.corridor.ConnectionState.CLOSED;
import static dev.corridor.ConnectionState.CLOSING;
import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.FAILED;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.OFFLINE;
import static dev.corridor.ConnectionState.PAUSED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorException;
import dev.corridor.CorridorException.Kind;
import dev.corridor.EventListener;
import dev.corridor.NetworkMonitor;
import dev.corridor.StateChange;
import dev.corridor.StateChange.Cause;
import dev.corridor.TokenProvider;
import dev.corridor.internal.Guarded;
import dev.corridor.internal.StateChangeAccess;
import dev.corridor.internal.heartbeat.Heartbeat;
import dev.corridor.internal.time.SerialContext;
import dev.corridor.internal.time.SerialTimer;
import dev.corridor.internal.transport.FrameException;
import dev.corridor.internal.transport.Transport;
import dev.corridor.internal.transport.TransportRequest;
import dev.corridor.internal.transport.TransportSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The connection state machine: attempts, their generations, backoff, heartbeat and the error
 * policy, for one client across all its sockets.
 *
 * <p>Threading: every field is owned by the client's {@link SerialContext}. Public entry points
 * ({@link #connect()}, {@link #close()} ...) and every callback from the transport, the token
 * executor, timers and the network monitor are re-posted into that context. Callbacks of an
 * older attempt are dropped by one generation check, in {@link #ifCurrent} and its two twins for
 * the socket's reader thread ({@link #ifCurrentOnReader}, and the allocation-free
 * {@link #onMessageIfCurrent} for inbound messages). State changes happen only in
 * {@link #transition}, which enforces {@link Transitions}; whether anything may be written is
 * decided in one place too, {@link Links}.
 */
public final class ConnectionMachine implements ConnectionControl, Heartbeat.Host, Links {
  /** Receives state changes, in order, in the serial context. */
  public interface StateObserver {
    void stateChanged(StateChange change);
  }

  private final ConnectionSettings settings;
  private final SerialContext context;
  private final Transport transport;
  private final EventListener events;
  private final StateObserver observer;
  private final Counters counters;
  private final Heartbeat heartbeat;
  private final SerialTimer retryTimer;
  private final SerialTimer handshakeTimer;
  private final SerialTimer closeTimer;
  /** Bounds how long a full RELIABLE queue may hold an established connection's reads. */
  private final SerialTimer holdTimer;
  private final ReadGate readGate;
  private final RetryPlanner planner;
  private final Endpoints endpoints;
  private final HealthWatch health;
  /** Set once by {@link #attach}, before the first {@code connect()}. */
  private @Nullable SessionHandler session;

  // Owned by the serial context. `state` is volatile so that other threads may read it.
  private volatile ConnectionState state = IDLE;
  /** Identifies the current attempt; bumped whenever a socket is abandoned. */
  private long generation;
  /** The current attempt's socket, or null. */
  private @Nullable TransportSocket socket;
  /** The session's view of {@link #socket} once it is open, or null; handed out by {@link Links}. */
  private @Nullable Link link;
  /** True from an attempt's start until its end (or its connection's end) has been reported. */
  private boolean linkActive;
  /** True from the Welcome until the connection's healthy time has been handed to the planner. */
  private boolean welcomedLink;
  /** Clock nanos at which {@link #retryTimer} fires, while it is pending. */
  private long retryAtNanos;
  private boolean networkAvailable = true;
  private boolean paused;
  private boolean closeRequested;

  public ConnectionMachine(ConnectionSettings settings, SerialContext context, Transport transport,
      EventListener events, StateObserver observer, Counters counters, ReadGate readGate,
      HealthWatch health) {
    this.settings = settings;
    this.health = health;
    this.readGate = readGate;
    this.planner = new RetryPlanner(settings);
    this.endpoints = new Endpoints(settings.urls);
    this.context = context;
    this.transport = transport;
    this.events = events;
    this.observer = observer;
    this.counters = counters;
    this.heartbeat = new Heartbeat(settings.clock, settings.scheduler, context, this);
    this.retryTimer = new SerialTimer(settings.scheduler, context, () -> startAttempt(Cause.RETRY_TIMER));
    this.handshakeTimer = new SerialTimer(settings.scheduler, context, this::onHandshakeTimeout);
    this.closeTimer = new SerialTimer(settings.scheduler, context, this::completeClose);
    this.holdTimer = new SerialTimer(settings.scheduler, context, this::onReadsHeldTooLong);
    readGate.setListener(holding -> context.execute(() -> readHoldChanged(holding)));
  }

  /** Connects the protocol layer. Must be called once, before {@link #connect()}. */
  public void attach(SessionHandler session) {
    this.session = session;
  }

  /** The endpoint of the current or next attempt. */
  public String endpoint() {
    return endpoints.current();
  }

  public ConnectionState state() {
    return state;
  }

  public Heartbeat heartbeat() {
    return heartbeat;
  }

  // ---- Public entry points: callable from any thread. ----

  public void connect() {
    context.execute(() -> {
      if (state != IDLE) return;
      networkAvailable = settings.networkMonitor.isAvailable();
      settings.networkMonitor.start(new NetworkMonitor.Listener() {
        @Override
        public void onNetworkAvailable() {
          context.execute(ConnectionMachine.this::networkAvailable);
        }

        @Override
        public void onNetworkLost() {
          context.execute(ConnectionMachine.this::networkLost);
        }

        @Override
        public void onNetworkChanged() {
          context.execute(ConnectionMachine.this::networkChanged);
        }
      });
      activate(Cause.CONNECT_REQUESTED);
    });
  }

  public void pause() {
    context.execute(() -> {
      if (paused || state.isTerminal()) return;
      paused = true;
      switch (state) {
        case CONNECTED:
          beginClose(Cause.PAUSE_REQUESTED, "paused");
          break;
        case CONNECTING:
        case WAITING_TO_RETRY:
        case OFFLINE:
          abandon("pause()");
          transition(PAUSED, Cause.PAUSE_REQUESTED, null, -1);
          break;
        default: // IDLE: connect() will go to PAUSED; CLOSING: completeClose() will.
          break;
      }
    });
  }

  public void resume() {
    context.execute(() -> {
      if (!paused) return;
      paused = false;
      if (state == PAUSED) activate(Cause.RESUME_REQUESTED);
    });
  }

  /**
   * While waiting to retry: attempts now (at most one attempt start per
   * {@link RetryPlanner#MIN_SPACING_NANOS}) and ends the slow cadence of a long outage.
   */
  public void retryNow() {
    context.execute(() -> {
      if (state != WAITING_TO_RETRY) return;
      planner.outageRestarted();
      attemptSoon(Cause.RETRY_REQUESTED);
    });
  }

  public void close() {
    context.execute(() -> {
      if (closeRequested || state.isTerminal()) return;
      closeRequested = true;
      if (state == CONNECTED) {
        beginClose(Cause.CLOSE_REQUESTED, "client closing");
      } else if (state != CLOSING) {
        abandon("close()");
        terminate(CLOSED, Cause.CLOSE_REQUESTED, null);
      }
    });
  }

  // ---- Attempts ----

  /** Leaves a resting state for the state the flags call for. */
  private void activate(Cause cause) {
    if (paused) {
      transition(PAUSED, cause, null, -1);
    } else if (!networkAvailable) {
      transition(OFFLINE, cause, null, -1);
    } else {
      attemptSoon(cause);
    }
  }

  /**
   * An attempt asked for at once (by the application or the network): starts it now, or, if the
   * previous attempt started less than {@link RetryPlanner#MIN_SPACING_NANOS} ago, waits for that
   * point, so that no caller can turn the client into a tight loop.
   */
  private void attemptSoon(Cause cause) {
    long spacing = planner.spacingNanos();
    if (spacing == 0) {
      startAttempt(cause);
      return;
    }
    if (state != WAITING_TO_RETRY) {
      transition(WAITING_TO_RETRY, cause, null, Math.max(1, TimeUnit.NANOSECONDS.toMillis(spacing)));
    } else if (retryTimer.isPending() && retryAtNanos - settings.clock.nanoTime() <= spacing) {
      return; // the retry already due is sooner
    }
    scheduleRetry(spacing);
  }

  private void scheduleRetry(long delayNanos) {
    retryAtNanos = settings.clock.nanoTime() + delayNanos;
    retryTimer.start(delayNanos);
  }

  private void startAttempt(Cause cause) {
    retryTimer.cancel();
    transition(CONNECTING, cause, null, -1);
    final long gen = ++generation;
    counters.attempts++;
    linkActive = true;
    events.attemptStarted(planner.attemptStarted());
    handshakeTimer.start(settings.handshakeTimeoutNanos);
    final boolean forceRefresh = planner.takeRefreshToken();
    if (settings.tokenProvider == TokenProvider.NONE) {
      openSocket(gen, null); // nothing to fetch: spare the attempt a round trip through the token executor
      return;
    }
    boolean accepted = Guarded.execute(settings.tokenExecutor, () -> {
      String token;
      try {
        token = settings.tokenProvider.token(forceRefresh);
      } catch (Throwable t) {
        // The provider's message may be anything; keep only its type.
        CorridorException error = new CorridorException(Kind.TOKEN_UNAVAILABLE,
            "token provider threw " + t.getClass().getName(), t, -1, -1, -1);
        ifCurrent(gen, () -> linkFailed(error, Cause.ATTEMPT_FAILED));
        return;
      }
      ifCurrent(gen, () -> openSocket(gen, token));
    }, settings.reporter);
    if (!accepted) {
      linkFailed(new CorridorException(Kind.TOKEN_UNAVAILABLE, "the token executor refused the task"),
          Cause.ATTEMPT_FAILED);
    }
  }

  private void openSocket(long gen, @Nullable String token) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Sec-WebSocket-Protocol", settings.subprotocol);
    if (token != null) {
      if (!Failures.isHeaderValue(token)) {
        // Typically a trailing newline from a file. Never repeat the token itself.
        linkFailed(new CorridorException(Kind.TOKEN_UNAVAILABLE, "token of " + token.length()
            + " chars contains characters not allowed in an HTTP header"), Cause.ATTEMPT_FAILED);
        return;
      }
      headers.put("Authorization", "Bearer " + token);
    }
    try {
      socket = transport.open(new TransportRequest(endpoints.current(), headers), new SocketListener(gen, this, readGate));
    } catch (RuntimeException e) {
      linkFailed(CorridorException.network("could not open the socket: " + e.getClass().getSimpleName(), e),
          Cause.ATTEMPT_FAILED);
    }
  }

  /**
   * The one place where callbacks of abandoned attempts are dropped: runs {@code task} in the
   * serial context only if attempt {@code gen} is still the current one.
   */
  void ifCurrent(long gen, Runnable task) {
    context.execute(() -> {
      if (gen == generation) task.run();
    });
  }

  /** {@link #ifCurrent} for the socket's reader thread: runs there at once when the context is idle. */
  void ifCurrentOnReader(long gen, Runnable task) {
    context.executeOnReader(gen, task, current);
  }

  private final SerialContext.TaskWithArgument<Runnable> current = (gen, task) -> {
    if (gen == generation) task.run();
  };

  /**
   * {@code ifCurrent(gen, () -> onMessage(message, more))} without allocating, for once per
   * message: the tag carries the generation and the flag.
   */
  void onMessageIfCurrent(long gen, byte[] message, boolean moreBuffered) {
    long tag = (gen << 1) | (moreBuffered ? 1 : 0);
    if (context.tryRunOnReader(tag, message, inbound)) return;
    // The context is busy: queue it, and count it, so the reader cannot run far ahead.
    final int bytes = message.length;
    context.execute(() -> {
      readGate.backlogRun(bytes);
      inbound.run(tag, message);
    });
    readGate.backlogAdded(gen, bytes);
  }

  /** The body of {@link #onMessageIfCurrent}, allocated once. */
  private final SerialContext.TaskWithArgument<byte[]> inbound = (tag, message) -> {
    if ((tag >>> 1) == generation) onMessage(message, (tag & 1) != 0);
  };

  private void onHandshakeTimeout() {
    long millis = TimeUnit.NANOSECONDS.toMillis(settings.handshakeTimeoutNanos);
    linkFailed(new CorridorException(Kind.HANDSHAKE_TIMEOUT,
        "no Welcome within " + millis + " ms"), Cause.ATTEMPT_FAILED);
  }

  // ---- Transport callbacks (already filtered to the current generation) ----

  void onOpen(@Nullable String subprotocol, @Nullable String extensions) {
    if (state != CONNECTING) return;
    CorridorException refused = Failures.checkHandshake(settings, subprotocol, extensions);
    if (refused != null) {
      linkFailed(refused, Cause.ATTEMPT_FAILED);
      return;
    }
    Link open = new CountingLink(socket, counters, events);
    link = open;
    requireSession().onOpen(open);
  }

  void onMessage(byte[] message, boolean moreBuffered) {
    counters.inbound(message.length);
    events.messageReceived(message.length);
    long now = settings.clock.nanoTime();
    heartbeat.onInbound(now);
    health.inbound(now);
    if (message.length > settings.maxInboundMessageBytes) {
      CorridorException error = new CorridorException(Kind.MESSAGE_TOO_LARGE, "inbound message of "
          + message.length + " bytes exceeds the limit of " + settings.maxInboundMessageBytes,
          null, -1, 1009, -1);
      protocolError(error);
      linkFailed(error, null, 1009);
      return;
    }
    requireSession().onMessage(message);
    if (!moreBuffered) requireSession().endOfBurst();
  }

  /** A WebSocket ping or pong frame: the link is alive, whatever else it carries. */
  void controlFrameReceived() {
    heartbeat.onInbound();
  }

  /** The socket has no further message buffered: what the last ones queued for listeners goes out. */
  void endOfBurst() {
    requireSession().endOfBurst();
  }

  void onServerClosing(int code, String reason) {
    if (state == CLOSING) {
      completeClose();
      return;
    }
    // Answer the server's close frame rather than resetting the connection.
    linkFailed(Failures.serverClose(code, reason), null, 1000);
  }

  void onFailure(Throwable error, int httpStatus, @Nullable String retryAfter) {
    if (state == CLOSING) {
      completeClose();
      return;
    }
    CorridorException failure = Failures.transportFailure(error, httpStatus, retryAfter, settings.clock.currentTimeMillis());
    if (failure.kind() == Kind.MESSAGE_TOO_LARGE || failure.kind() == Kind.PROTOCOL) protocolError(failure);
    // A frame violation was answered with a close frame by the transport: let it go out.
    linkFailed(failure, null, error instanceof FrameException ? failure.closeCode() : 0);
  }

  // ---- Failures and what follows them ----

  /**
   * The current attempt or connection failed. Tears it down and moves to the state the flags and
   * the error policy call for. {@code cause} null means "attempt failed or connection lost",
   * whichever applies.
   */
  private void linkFailed(CorridorException error, @Nullable Cause cause) {
    linkFailed(error, cause, 0);
  }

  /** As above; {@code closeCode} > 0 closes the socket with that code instead of resetting it. */
  private void linkFailed(CorridorException error, @Nullable Cause cause, int closeCode) {
    boolean wasConnected = state == CONNECTED;
    boolean wasAttempt = state == CONNECTING;
    if (!wasConnected && !wasAttempt) return;
    if (cause == null) cause = wasConnected ? Cause.CONNECTION_LOST : Cause.ATTEMPT_FAILED;
    teardown(error, closeCode);
    // A failed attempt moves on to the next endpoint, and so does a connection the server closed
    // to send its clients elsewhere (going away, restarting, overloaded); any other lost
    // connection is retried where it was. Failures that are not the endpoint's (the device
    // changed networks, the app's token provider failed) leave the choice as it was.
    boolean endpointsFault = cause != Cause.NETWORK_CHANGED && error.kind() != Kind.TOKEN_UNAVAILABLE;
    if (endpointsFault && (wasAttempt || Endpoints.sendsElsewhere(error.closeCode()))) endpoints.attemptFailed();
    if (paused) {
      transition(PAUSED, cause, error, -1);
    } else if (!networkAvailable) {
      transition(OFFLINE, cause, error, -1);
    } else {
      long delay = planner.decide(error, wasAttempt);
      if (delay == RetryPlanner.FAIL) {
        terminate(FAILED, cause, error);
      } else {
        transition(WAITING_TO_RETRY, cause, error, delay);
        scheduleRetry(TimeUnit.MILLISECONDS.toNanos(delay));
      }
    }
  }

  /**
   * Drops the current socket and everything tied to it. Reports the end of an attempt or a
   * connection to the event listener, so that attempts are always paired.
   */
  private void teardown(CorridorException reason, int closeCode) {
    if (linkActive) {
      linkActive = false;
      if (state == CONNECTING) {
        events.attemptFailed(planner.attempt(), reason);
      } else if (state == CONNECTED) {
        events.connectionLost(reason);
      }
    }
    generation++;
    if (welcomedLink) {
      welcomedLink = false;
      planner.connectionEnded(heartbeat.lastInboundNanos());
    }
    readGate.abandon();
    holdTimer.cancel();
    heartbeat.stop();
    handshakeTimer.cancel();
    closeTimer.cancel();
    TransportSocket s = socket;
    socket = null;
    link = null;
    if (s != null) {
      if (closeCode > 0) {
        s.close(closeCode, closeCode == 1009 ? "message too big" : "");
      } else {
        s.cancel();
      }
      requireSession().onDisconnected();
    }
  }

  /** Abandons an attempt, a wait or an offline spell on request; the caller picks the next state. */
  private void abandon(String what) {
    retryTimer.cancel();
    teardown(new CorridorException(Kind.CANCELLED, "abandoned by " + what), 0);
  }

  private void networkLost() {
    if (!networkAvailable) return;
    networkAvailable = false;
    if (state == CONNECTING || state == CONNECTED || state == WAITING_TO_RETRY) {
      abandon("network loss");
      transition(OFFLINE, Cause.NETWORK_LOST, null, -1);
    }
  }

  private void networkAvailable() {
    if (networkAvailable) return;
    networkAvailable = true;
    // Back online: try at once, skipping whatever backoff wait remained.
    planner.outageRestarted();
    if (state == OFFLINE || state == WAITING_TO_RETRY) attemptSoon(Cause.NETWORK_AVAILABLE);
  }

  /**
   * The device moved to another network (Wi-Fi to cellular, say): a socket on the old one is
   * abandoned at once and an attempt made on the new one, skipping any backoff wait.
   */
  private void networkChanged() {
    if (!networkAvailable) {
      networkAvailable();
      return;
    }
    planner.outageRestarted();
    switch (state) {
      case CONNECTING:
      case CONNECTED:
        linkFailed(CorridorException.network("the network changed", null), Cause.NETWORK_CHANGED);
        if (state == WAITING_TO_RETRY) attemptSoon(Cause.NETWORK_CHANGED);
        break;
      case WAITING_TO_RETRY:
        attemptSoon(Cause.NETWORK_CHANGED);
        break;
      default: // nothing to move: resting, closing or terminal
        break;
    }
  }

  // ---- Clean close (close() or pause() while connected) ----

  private void beginClose(Cause cause, String reason) {
    heartbeat.stop();
    linkActive = false; // a requested close is not a lost connection
    transition(CLOSING, cause, null, -1);
    // The server's answer to the close comes behind whatever it sent before: a full RELIABLE queue
    // holding the reads would leave it unread and every close would wait out the close timeout.
    readGate.abandon();
    holdTimer.cancel();
    TransportSocket s = socket;
    if (s != null) s.close(1000, reason);
    closeTimer.start(settings.closeTimeoutNanos);
  }

  private void completeClose() {
    if (state != CLOSING) return;
    if (closeRequested) {
      terminate(CLOSED, Cause.CLOSE_COMPLETED, null);
      return;
    }
    teardown(new CorridorException(Kind.CANCELLED, "closed"), 0);
    if (paused) {
      transition(PAUSED, Cause.CLOSE_COMPLETED, null, -1);
    } else {
      activate(Cause.CLOSE_COMPLETED); // resume() was called while closing
    }
  }

  private void terminate(ConnectionState terminal, Cause cause, @Nullable CorridorException error) {
    retryTimer.cancel();
    // End what the session holds as CLOSED first, so that nothing is reported as merely disconnected.
    requireSession().onTerminated();
    health.stop();
    teardown(error != null ? error : new CorridorException(Kind.CANCELLED, "terminated"), 0);
    settings.networkMonitor.stop();
    transition(terminal, cause, error, -1);
  }

  /** The only place where {@link #state} changes. */
  private void transition(ConnectionState next, Cause cause, @Nullable CorridorException error, long delayMillis) {
    context.checkInContext(); // the one place state changes: never from another thread
    ConnectionState previous = state;
    if (previous.isTerminal()) {
      throw new IllegalStateException("cannot leave terminal state " + previous + " for " + next);
    }
    if (!Transitions.isAllowed(previous, next)) {
      throw new IllegalStateException("illegal transition " + previous + " -> " + next + " on " + cause);
    }
    state = next;
    StateChange change = StateChangeAccess.create(previous, next, cause, error, delayMillis);
    events.stateChanged(change);
    observer.stateChanged(change);
  }

  private SessionHandler requireSession() {
    SessionHandler s = session;
    if (s == null) throw new IllegalStateException("attach() was not called");
    return s;
  }

  // ---- ConnectionControl: reports from the session layer ----

  @Override
  public void welcomed(long heartbeatHintMillis) {
    if (state != CONNECTING) return;
    handshakeTimer.cancel();
    events.attemptSucceeded(planner.attempt(), planner.attemptElapsedNanos());
    counters.connections++;
    planner.connected();
    welcomedLink = true;
    transition(CONNECTED, Cause.WELCOME_RECEIVED, null, -1);
    readGate.establish(generation);
    if (readGate.isHolding()) holdTimer.start(settings.readHoldTimeoutNanos);
    long interval = settings.heartbeatIntervalNanos;
    if (heartbeatHintMillis > 0) {
      // Ping at least as often as the server asks, but never more than once a second.
      long hint = TimeUnit.MILLISECONDS.toNanos(Math.max(heartbeatHintMillis, 1000));
      interval = Math.min(interval, hint);
    }
    heartbeat.start(interval, settings.pongTimeoutNanos);
  }

  @Override
  public void pongReceived(long nonce) {
    heartbeat.onPong(nonce);
  }

  @Override
  public void serverError(CorridorException error) {
    planner.serverHint(error.retryAfterMillis());
    if (state == CONNECTING) {
      linkFailed(error, Cause.ATTEMPT_FAILED); // the server refused the session
    }
    // While connected the Error only informs; the server's close that follows decides.
  }

  @Override
  public void abort(CorridorException error) {
    linkFailed(error, null);
  }

  @Override
  public void protocolError(CorridorException error) {
    counters.protocolErrors++;
    events.protocolError(error);
  }

  // ---- Links: the one gate on writing ----

  @Override
  public @Nullable Link forMessages() {
    return Transitions.sendsMessages(state) ? link : null;
  }

  @Override
  public @Nullable Link forControl() {
    return Transitions.holdsSocket(state) ? link : null;
  }

  @Override
  public boolean isTerminated() {
    return state.isTerminal();
  }

  // ---- Read holds and internal failures ----

  private void readHoldChanged(boolean holding) {
    if (!holding) {
      holdTimer.cancel();
    } else if (state == CONNECTED && !holdTimer.isPending()) {
      holdTimer.start(settings.readHoldTimeoutNanos);
    }
  }

  private void onReadsHeldTooLong() {
    if (state != CONNECTED || !readGate.isHolding()) return;
    long millis = TimeUnit.NANOSECONDS.toMillis(settings.readHoldTimeoutNanos);
    linkFailed(new CorridorException(Kind.SLOW_CONSUMER, "a RELIABLE listener held the socket's reads for "
        + millis + " ms"), Cause.READS_HELD_TOO_LONG);
  }

  /**
   * A task of the serial context threw: a bug in Corridor. The client fails with it as the cause,
   * rather than carrying on in a state that may be half changed. Called in the context.
   */
  public void internalError(Throwable bug) {
    if (state.isTerminal()) return;
    CorridorException error = new CorridorException(Kind.INTERNAL, "a Corridor task threw " + bug, bug,
        -1, -1, -1);
    try {
      terminate(FAILED, Cause.INTERNAL_ERROR, error);
    } catch (Throwable second) {
      // Even ending the client failed: at least make the state say so, and drop the socket.
      error.addSuppressed(second);
      ConnectionState previous = state;
      state = FAILED;
      TransportSocket s = socket;
      socket = null;
      if (s != null) s.cancel();
      try {
        observer.stateChanged(StateChangeAccess.create(previous, FAILED, Cause.INTERNAL_ERROR, error, -1));
      } catch (Throwable ignored) {
        // nothing more can be done
      }
    }
  }

  // ---- Heartbeat.Host ----

  @Override
  public void sendPing(long nonce) {
    requireSession().sendPing(nonce);
  }

  @Override
  public void linkDead(long silentNanos) {
    linkFailed(new CorridorException(Kind.HEARTBEAT_TIMEOUT, "no message for "
        + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms"), Cause.HEARTBEAT_TIMEOUT);
  }

  @Override
  public boolean readsHeld() {
    return readGate.isHolding();
  }

  @Override
  public void rttMeasured(long rttNanos, long smoothedRttNanos) {
    events.rttMeasured(rttNanos, smoothedRttNanos);
  }
}
