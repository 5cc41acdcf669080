package dev.corridor.server.internal;

import com.google.protobuf.ByteString;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.Error;
import dev.corridor.proto.v1.Subscribe;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a server's shared state lives: the topics' streams (epoch, sequences, history), sessions,
 * and each client's publish ledger (which client sequences are settled, pending or rejected). The
 * in-memory one serves one node; the Redis Streams one lets several nodes share it, so that a client
 * can fail over from one to another without a gap or a duplicate.
 *
 * <p>Every method but {@link #watch} and {@link #unwatch} may do I/O and block; the engine never
 * calls them while holding its lock. They throw {@link Unavailable} when the store cannot be
 * reached, having changed nothing the caller relies on.
 */
public interface Backplane extends AutoCloseable {
  /** The store cannot be reached or did not answer in time. */
  final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /** Told every message appended to a watched topic, by any node, in sequence order per topic. */
  interface Listener {
    void appended(Deliver d);
  }

  /** A topic's stream now: its epoch, the next sequence, the oldest still held. */
  record Position(long epoch, long nextSequence, long oldestSequence) {}

  /**
   * What a replay after a position gets: the stream's position, whether every message after the
   * asked sequence is still held ({@code continuous}), and the messages: those after it if so,
   * otherwise everything held. Not flagged as replays.
   */
  record History(Position position, boolean continuous, List<Deliver> messages) {}

  /** A stored session: whose it is (the per-client key) and what it subscribed to. */
  record StoredSession(String clientKey, Map<String, Subscribe> subscriptions) {}

  /** What a client's publish ledger says about one sequence being claimed. */
  enum Claimed {
    /** First seen: the caller now owns its handling and must {@link #complete} or {@link #release} it. */
    NEW,
    /** Being handled (on this node or another one that is alive). */
    PENDING,
    /** Handled already; {@link Claim#rejection} says how if it was rejected. */
    SETTLED
  }

  /**
   * A claim's outcome. {@code token} names a NEW claim (for {@link #release}); {@code elsewhere}:
   * a PENDING one is being handled by another node, which will not tell this one when it is done.
   */
  record Claim(Claimed state, long cumulative, @Nullable Error rejection, String token, boolean elsewhere) {}

  /**
   * A client's ledger for a Welcome: every sequence up to {@code cumulative} is settled; the lowest
   * rejection remembered (0 for none); whether any of its publishes is being handled now.
   */
  record Ledger(long cumulative, long lowestRejection, boolean pending) {}

  /** Starts telling {@code listener} what is appended to the watched topics. */
  void start(Listener listener);

  /**
   * Connects to the store, if it is remote; idempotent.
   *
   * @throws java.io.IOException if it cannot be reached
   */
  default void connect() throws java.io.IOException {}

  @Override
  void close();

  /** Appends a message to {@code topic} (its next sequence, trimmed history). */
  Deliver append(String topic, String key, ByteString payload, long nowMillis);

  /** The topic's position (a topic never written starts an epoch now). */
  Position position(String topic);

  /** The history after {@code sequence} of {@code epoch} (see {@link History}). */
  History read(String topic, long epoch, long sequence);

  /**
   * From now on, tells the listener what is appended to {@code topic} after {@code sequence} of
   * {@code epoch}. Never blocks; called under the engine's lock.
   */
  void watch(String topic, long epoch, long sequence);

  /** Stops telling the listener about {@code topic}. Never blocks. */
  void unwatch(String topic);

  /** The session with this resume token, or null. */
  @Nullable StoredSession session(String token);

  /** Stores a new session, with no subscriptions. */
  void createSession(String token, String clientKey);

  void subscribed(String token, Subscribe subscribe);

  void unsubscribed(String token, String topic);

  Ledger ledger(String clientKey);

  /** Claims the handling of one client sequence (see {@link Claimed}). */
  Claim claim(String clientKey, long sequence);

  /** Settles a claimed sequence: accepted, or rejected with {@code rejection}. Returns the cumulative mark. */
  long complete(String clientKey, long sequence, @Nullable Error rejection);

  /**
   * Appends a claimed publish to its topic and settles it as accepted, in one atomic step: the
   * message is in the stream exactly once however a node fails. Returns the cumulative mark.
   */
  long appendAndComplete(String clientKey, long sequence, String topic, String key, ByteString payload,
      long nowMillis);

  /** Gives up the claim {@code token} without settling it: the client's resend is handled afresh. */
  void release(String clientKey, long sequence, String token);

  /** Fault injection: cuts every topic's history down to its newest {@code keep} messages. */
  void trimHistories(int keep);

  /** Fault injection: forgets sessions, ledgers and history; every stream starts a new epoch. */
  void loseState();
}
