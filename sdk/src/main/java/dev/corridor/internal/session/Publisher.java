package dev.corridor.internal.session;

import com.google.protobuf.UnsafeByteOperations;
import dev.corridor.Clock;
import dev.corridor.EventListener;
import dev.corridor.SendOptions;
import dev.corridor.SendResult;
import dev.corridor.SendResult.Outcome;
import dev.corridor.Scheduler;
import dev.corridor.internal.ResultFuture;
import dev.corridor.internal.SendResultAccess;
import dev.corridor.internal.codec.EnvelopeCodec;
import dev.corridor.internal.connection.Counters;
import dev.corridor.internal.connection.HealthWatch;
import dev.corridor.internal.connection.Link;
import dev.corridor.internal.connection.Links;
import dev.corridor.internal.outbox.Outbox;
import dev.corridor.internal.outbox.OutboxEntry;
import dev.corridor.internal.time.SerialContext;
import dev.corridor.internal.time.SerialTimer;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.PublishAck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Client-to-server delivery: the outbox, client sequences, acknowledgements and resends. Lives in
 * the client's serial context (except {@link #send}, which may be called from any thread).
 *
 * <p>A message gets its client sequence when first written and keeps it for every resend, so the
 * server can deduplicate on (client id, sequence). In-flight messages are resent after a reconnect,
 * in order, before newer ones; while a connection stays up they are never resent on a timer. Writes
 * stop while the socket's queue is above the high-water mark or the in-flight window is full.
 */
public final class Publisher implements Outbox.Listener {
  /** How often a write stalled by a full socket queue is retried. */
  static final long PRESSURE_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final Outbox outbox;
  private final Clock clock;
  private final SerialContext context;
  private final Executor callbacks;
  private final EventListener events;
  private final Counters counters;
  private final long highWaterBytes;
  private final int defaultMaxInFlight;
  private final SerialTimer expiryTimer;
  private final SerialTimer pressureTimer;
  /** Resends what the server refused as retryable, once its retry-after has passed. */
  private final SerialTimer retryTimer;
  /** Sequences refused as retryable, waiting for {@link #retryTimer}. */
  private final List<Long> retryLater = new ArrayList<>();

  /** Where messages may be written now, if anywhere. */
  private final Links links;
  /** Told when a message is accepted and when it ends, for the health ages. */
  private final HealthWatch health;

  // Owned by the serial context.
  private int maxInFlight;
  /** Largest message the server accepts, from its Welcome; 0 when unknown. */
  private int serverMaxMessageBytes;
  /** In-flight messages to write again on this connection, in order, before anything new. */
  private List<OutboxEntry> resends = java.util.Collections.emptyList();
  /** How many of {@link #resends} have been written. */
  private int resendIndex;
  /** Next client sequence to assign. */
  private long nextSequence = 1;
  /** Deadline the expiry timer is set for, or Long.MAX_VALUE. */
  private long expiryAt = Long.MAX_VALUE;
  /** Futures to complete on the completion executor, batched per serial-context turn. */
  private List<Object> completions = new ArrayList<>();

  public Publisher(int maxMessages, long maxBytes, long highWaterBytes, int defaultMaxInFlight,
      Clock clock, Scheduler scheduler, SerialContext context, Executor callbacks,
      EventListener events, Counters counters, Links links, HealthWatch health) {
    this.links = links;
    this.health = health;
    this.outbox = new Outbox(maxMessages, maxBytes, this);
    this.clock = clock;
    this.context = context;
    this.callbacks = callbacks;
    this.events = events;
    this.counters = counters;
    this.highWaterBytes = highWaterBytes;
    this.defaultMaxInFlight = defaultMaxInFlight;
    this.maxInFlight = defaultMaxInFlight;
    this.expiryTimer = new SerialTimer(scheduler, context, this::onExpiryTimer);
    this.pressureTimer = new SerialTimer(scheduler, context, this::drain);
    this.retryTimer = new SerialTimer(scheduler, context, this::resendRetryable);
  }

  /** Queues a message from any thread; the future completes once, on the callback executor. */
  public CompletableFuture<SendResult> send(String topic, byte[] payload, SendOptions options) {
    ResultFuture<SendResult> future = new ResultFuture<>();
    long ttl = options.ttlMillis();
    // Saturating: a TTL too long to represent means no deadline, never one already past.
    long deadlineNanos = ttl > 0 ? OutboxEntry.deadlineNanos(clock.nanoTime(), ttl) : OutboxEntry.NO_DEADLINE;
    long deadlineMillis = ttl > 0 ? OutboxEntry.deadlineMillis(clock.currentTimeMillis(), ttl) : 0;
    OutboxEntry entry = new OutboxEntry(topic, payload, options.key(), options.priority(),
        options.delivery() == SendOptions.Delivery.ACKNOWLEDGED, deadlineNanos, deadlineMillis, future);
    context.execute(() -> {
      if (links.isTerminated()) {
        ended(entry, Outcome.CLOSED, null, null);
        return;
      }
      long now = clock.nanoTime();
      entry.acceptedNanos = now;
      health.accepted(entry);
      outbox.offer(entry, now);
      publishSizes();
      drain();
      armExpiry();
    });
    return future;
  }

  /** Highest client sequence ever assigned (for the Hello). */
  long lastAssignedSequence() {
    return nextSequence - 1;
  }

  /**
   * A session is established: everything up to {@code serverLastSequence} is acknowledged; the
   * rest of what is in flight is resent, in order, before anything new.
   */
  void onConnected(long serverLastSequence, int serverMaxInFlight, int serverMaxMessageBytes) {
    this.serverMaxMessageBytes = serverMaxMessageBytes;
    this.maxInFlight = serverMaxInFlight > 0 ? serverMaxInFlight : defaultMaxInFlight;
    if (serverLastSequence > 0) {
      outbox.acknowledge(serverLastSequence, java.util.Collections.<Long>emptyList());
      // A restarted client with the same id must not reuse sequences the server has seen.
      nextSequence = Math.max(nextSequence, serverLastSequence + 1);
    }
    resends = outbox.inFlightForResend(clock.nanoTime());
    resendIndex = 0;
    drain();
    publishSizes();
  }

  void onDisconnected() {
    resends = java.util.Collections.emptyList();
    pressureTimer.cancel();
    retryTimer.cancel();
    retryLater.clear();
  }

  void onAck(PublishAck ack) {
    outbox.acknowledge(ack.getCumulative(), ack.getSequencesList());
    drain();
    publishSizes();
  }

  /**
   * The server rejected one publish. A retryable rejection is resent with the same sequence after
   * {@code retryAfterMillis} (at least {@link #MIN_RETRY_MILLIS}), or after the next reconnect.
   */
  boolean onRejected(long sequence, String code, String message, boolean retryable, long retryAfterMillis) {
    boolean known = outbox.reject(sequence, code, message, retryable);
    if (known && retryable) {
      retryLater.add(sequence);
      if (!retryTimer.isPending()) {
        // Capped like every server hint: a broken server must not park a message for weeks.
        long wait = Math.min(MAX_RETRY_MILLIS, Math.max(MIN_RETRY_MILLIS, retryAfterMillis));
        retryTimer.start(TimeUnit.MILLISECONDS.toNanos(wait));
      }
    }
    publishSizes();
    return known;
  }

  /** Floor of the wait before a retryable rejection is resent on the same connection. */
  static final long MIN_RETRY_MILLIS = 1_000;
  /** Ceiling of that wait: the same 5 minutes that cap the reconnect hints of other policies. */
  static final long MAX_RETRY_MILLIS = 300_000;

  private void resendRetryable() {
    Link l = links.forMessages();
    List<Long> due = new ArrayList<>(retryLater);
    retryLater.clear();
    if (l == null) return; // the reconnect resends everything in flight anyway
    for (Long sequence : due) {
      OutboxEntry e = outbox.inFlight(sequence);
      if (e != null && !l.send(encode(e, sequence))) break;
    }
  }

  /** The client is closed or failed: everything still held ends {@link Outcome#CLOSED}. */
  void terminate() {
    expiryTimer.cancel();
    pressureTimer.cancel();
    retryTimer.cancel();
    outbox.endAll(Outcome.CLOSED);
    publishSizes();
  }

  private void drain() {
    Link l = links.forMessages();
    if (l == null) return;
    long now = clock.nanoTime();
    // Resends first, in their original order, under the same socket backpressure.
    while (resendIndex < resends.size()) {
      if (aboveHighWater(l)) return;
      OutboxEntry e = resends.get(resendIndex);
      if (e.isInFlight() && !l.send(encode(e, e.sequence()))) return;
      resendIndex++;
    }
    while (outbox.inFlightCount() < maxInFlight) {
      if (aboveHighWater(l)) break;
      OutboxEntry e = outbox.peekSendable(now);
      if (e == null) break;
      long sequence = e.acknowledged ? nextSequence : 0;
      byte[] frame = encode(e, sequence);
      if (serverMaxMessageBytes > 0 && frame.length > serverMaxMessageBytes) {
        // The server would refuse it (or close with 1009): end it here, typed, instead.
        outbox.discard(e, Outcome.REJECTED, "TOO_LARGE",
            frame.length + " bytes encoded; the server accepts " + serverMaxMessageBytes);
        continue;
      }
      if (!l.send(frame)) break;
      if (e.acknowledged) nextSequence++;
      outbox.written(e, sequence);
    }
    publishSizes();
  }

  /** True (and a recheck scheduled) while the socket's queue is above the high-water mark. */
  private boolean aboveHighWater(Link l) {
    if (l.queuedBytes() <= highWaterBytes) return false;
    // OkHttp closes the socket if its queue passes 16 MiB; wait for it to drain instead.
    if (!pressureTimer.isPending()) pressureTimer.start(PRESSURE_RECHECK_NANOS);
    return true;
  }

  private byte[] encode(OutboxEntry e, long sequence) {
    Publish.Builder p = Publish.newBuilder()
        .setClientSequence(sequence)
        .setTopic(e.topic)
        .setPayload(UnsafeByteOperations.unsafeWrap(e.payload))
        .setDelivery(e.acknowledged ? DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED : DeliveryMode.DELIVERY_MODE_BEST_EFFORT);
    if (e.key != null) p.setKey(e.key);
    if (e.deadlineMillis > 0) p.setDeadlineMs(e.deadlineMillis);
    return EnvelopeCodec.encode(EnvelopeCodec.envelope().setPublish(p).build());
  }

  private void armExpiry() {
    long next = outbox.nextDeadlineNanos();
    if (next == expiryAt) return;
    expiryAt = next;
    if (next == Long.MAX_VALUE) {
      expiryTimer.cancel();
    } else {
      expiryTimer.start(next - clock.nanoTime());
    }
  }

  private void onExpiryTimer() {
    expiryAt = Long.MAX_VALUE;
    outbox.expire(clock.nanoTime());
    publishSizes();
    armExpiry();
  }

  private void publishSizes() {
    counters.outboxMessages = outbox.size();
    counters.outboxBytes = outbox.bytes();
  }

  @Override
  public void ended(OutboxEntry entry, Outcome outcome, @Nullable String errorCode, @Nullable String errorMessage) {
    counters.sendOutcomes.incrementAndGet(outcome.ordinal());
    entry.finished = true;
    health.finished();
    events.sendEnded(entry.topic, outcome);
    @SuppressWarnings("unchecked")
    ResultFuture<SendResult> future = (ResultFuture<SendResult>) entry.handle;
    completions.add(future);
    completions.add(SendResultAccess.create(outcome, entry.sequence(), errorCode, errorMessage));
    if (completions.size() == 2) context.execute(this::flushCompletions);
  }

  /** Completes a turn's futures in one callback task, after the turn's state changes are done. */
  @SuppressWarnings("unchecked")
  private void flushCompletions() {
    final List<Object> batch = completions;
    completions = new ArrayList<>();
    callbacks.execute(() -> {
      for (int i = 0; i < batch.size(); i += 2) {
        ((ResultFuture<SendResult>) batch.get(i)).succeed((SendResult) batch.get(i + 1));
      }
    });
  }
}
