package dev.corridor.bench;

import com.google.protobuf.ByteString;
import dev.corridor.Clock;
import dev.corridor.ConnectionState;
import dev.corridor.ErrorPolicy;
import dev.corridor.EventListener;
import dev.corridor.ExponentialBackoff;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.NetworkMonitor;
import dev.corridor.Scheduler;
import dev.corridor.SubscribeOptions;
import dev.corridor.Subscription;
import dev.corridor.TokenProvider;
import dev.corridor.internal.Feedback;
import dev.corridor.internal.Guarded;
import dev.corridor.internal.codec.EnvelopeCodec;
import dev.corridor.internal.connection.ConnectionMachine;
import dev.corridor.internal.connection.ConnectionSettings;
import dev.corridor.internal.connection.Counters;
import dev.corridor.internal.connection.HealthWatch;
import dev.corridor.internal.connection.ReadGate;
import dev.corridor.internal.session.Publisher;
import dev.corridor.internal.session.Requests;
import dev.corridor.internal.session.Session;
import dev.corridor.internal.session.Subscriptions;
import dev.corridor.internal.time.SerialContext;
import dev.corridor.internal.transport.Transport;
import dev.corridor.internal.transport.TransportListener;
import dev.corridor.internal.transport.TransportRequest;
import dev.corridor.internal.transport.TransportSocket;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Subscribed;
import dev.corridor.proto.v1.Welcome;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SDK's inbound processing of one {@code Deliver} for a RELIABLE subscription, from the
 * moment the transport hands over the message's bytes to the moment the application's
 * {@link MessageListener} has it, through the SDK's real classes and no socket.
 *
 * <p>Setup wires the same objects {@code CorridorClient} wires (serial context, read gate,
 * {@link ConnectionMachine}, {@link Publisher}, {@link Subscriptions}, {@link Requests},
 * {@link Session}) around an in-process {@link Transport}, connects, plays the server's
 * {@code Welcome} and {@code Subscribed}, and subscribes one listener with
 * {@link SubscribeOptions#DEFAULT} (RELIABLE, queue of 1024). Then each operation feeds the next
 * {@code Deliver} (in order: sequence = last + 1, same epoch) and returns the {@link Message} the
 * listener received.
 *
 * <ul>
 *   <li>{@code fromTransport}: enters at {@link TransportListener#onMessage}, as OkHttp's reader
 *       thread does: read gate, hop into the serial context, generation check, inbound counters
 *       and heartbeat bookkeeping, size check, then the session as below.
 *   <li>{@code sessionOnly}: enters at {@link Session#onMessage}, the call the connection machine
 *       makes: the in-place Deliver read ({@code DeliverReader}), dispatch, duplicate/gap checks,
 *       the {@link Message} (its payload left in the frame), the stream's queue and its drain to the listener, and the
 *       cumulative {@code DeliverAck} every {@link Subscriptions#ACK_EVERY} messages (encoded and
 *       written to the in-process socket). The difference from {@code fromTransport} is the
 *       connection layer's share.
 * </ul>
 *
 * <p>What is not real: the application callbacks run on the delivering thread ({@code
 * callbackExecutor(Runnable::run)}, an option the public builder offers; the default hands them to
 * a pool, whose thread hop is not measured); the scheduler never fires, so the ack timer does not
 * either (at these rates the every-64 rule sends all acknowledgements anyway); events go to
 * {@link EventListener#NONE}. The transport reuses one byte array, rewriting the sequence in place
 * (a fixed-width varint, so lengths never change), instead of allocating one per message as OkHttp
 * does.
 *
 * <p>How to read it: average ns per delivered message, lower is better; {@code payloadSize} is the
 * payload in bytes. {@code -prof gc} gives bytes allocated per message (the Message, queue and
 * callback bookkeeping; not the frame's array, which the real reader allocates per message and
 * this benchmark reuses). Each trial checks at its end that every message
 * reached the listener, in order, with no duplicate, gap, protocol error or failed task, and fails
 * otherwise.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class InboundPathBenchmark {
  static final String TOPIC = "prices.fx.EURUSD";
  static final String KEY = "EURUSD";
  static final long EPOCH = 1_700_000_000_123L;
  /**
   * First sequence delivered: 2^28, so that every sequence up to 2^35 - 1 encodes as a 5-byte varint
   * and can be rewritten in place.
   */
  static final long FIRST_SEQUENCE = 1L << 28;
  static final long LAST_SEQUENCE = (1L << 35) - 1;
  static final int VARINT_BYTES = 5;

  @Param({"32", "512"})
  public int payloadSize;

  private final Counters counters = new Counters();
  private final Sink socket = new Sink();
  private final Application app = new Application();
  private volatile @Nullable Throwable uncaught;
  private ConnectionMachine machine;
  private Session session;
  private Subscription subscription;
  private TransportListener transportListener;

  /** The Deliver frame being fed, and where its sequence's varint starts. */
  private byte[] frame;
  private int sequenceOffset;
  private long nextSequence;

  /** Receives the messages, as the application's listener would. */
  static final class Application implements MessageListener {
    long received;
    long expectedSequence = FIRST_SEQUENCE;
    long outOfOrder;
    long payloadBytes;
    long discontinuities;
    @Nullable Message last;

    @Override
    public void onMessage(Message message) {
      if (message.sequence() != expectedSequence) outOfOrder++;
      expectedSequence = message.sequence() + 1;
      payloadBytes += message.payloadSize(); // read in place, as the end-to-end bench's listener does
      received++;
      last = message;
    }

    @Override
    public void onDiscontinuity(dev.corridor.Discontinuity discontinuity) {
      discontinuities++;
    }
  }

  /** The in-process socket: accepts and counts what the client writes (Hello, Subscribe, acks). */
  static final class Sink implements TransportSocket {
    long messages;
    long bytes;
    @Nullable TransportListener listener;

    @Override
    public boolean send(byte[] message) {
      messages++;
      bytes += message.length;
      return true;
    }

    @Override
    public long queuedBytes() {
      return 0;
    }

    @Override
    public void close(int code, String reason) {}

    @Override
    public void cancel() {}
  }

  /** A scheduler whose tasks never run: no timer fires during a measurement. */
  static final Scheduler NEVER = (task, delay, unit) -> () -> {};

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Clock clock = Clock.SYSTEM;
    Executor direct = Runnable::run;
    // Drains run inline: the benchmark thread plays the socket's reader, whose inbound path runs
    // the context itself when it is idle, as the real reader does.
    SerialContext context = new SerialContext(direct, error -> uncaught = error);
    Guarded.Reporter reporter = error -> uncaught = error;
    ConnectionSettings settings = new ConnectionSettings(java.util.List.of("wss://bench.invalid/v1"),
        EnvelopeCodec.SUBPROTOCOL, TokenProvider.NONE, direct,
        new Guarded.Monitor(NetworkMonitor.ALWAYS_AVAILABLE, reporter),
        ExponentialBackoff.DEFAULT, ErrorPolicy.DEFAULT, () -> 0.5, clock, NEVER,
        TimeUnit.SECONDS.toNanos(25), TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(15),
        TimeUnit.SECONDS.toNanos(5), 1 << 20, false,
        TimeUnit.SECONDS.toNanos(30), reporter);
    Transport transport = (TransportRequest request, TransportListener listener) -> {
      socket.listener = listener;
      return socket;
    };
    ReadGate gate = new ReadGate();
    EventListener events = EventListener.NONE;
    HealthWatch health = new HealthWatch(clock, NEVER, context, 0, 0, (delayed, silent, oldest, inbound) -> { });
    machine = new ConnectionMachine(settings, context, transport, events, change -> {}, counters, gate, health);
    Publisher publisher = new Publisher(10_000, 8L << 20, 1L << 20, 1_000, clock, NEVER, context,
        direct, events, counters, machine, health);
    Subscriptions subscriptions = new Subscriptions(clock, NEVER, context, direct, events, counters,
        gate, reporter, machine, new Feedback(clock));
    Requests requests = new Requests(clock, NEVER, context, direct, machine);
    session = new Session("bench-client", "corridor-bench", 1 << 20, clock, machine, machine, publisher,
        subscriptions, requests);
    machine.attach(session);

    subscription = subscriptions.subscribe(TOPIC, app, SubscribeOptions.DEFAULT);
    machine.connect();
    transportListener = socket.listener;
    check(transportListener != null, "the machine did not open a socket");
    transportListener.onOpen(EnvelopeCodec.SUBPROTOCOL, null);
    transportListener.onMessage(EnvelopeCodec.encode(EnvelopeCodec.envelope()
        .setWelcome(Welcome.newBuilder()
            .setSessionId("bench-session")
            .setResumeToken(ByteString.copyFromUtf8("bench-resume-token"))
            .setHeartbeatIntervalMs(25_000)
            .setMaxMessageBytes(1 << 20)
            .setMaxInflight(1_000)
            .setServerTimeMs(clock.currentTimeMillis()))
        .build()));
    check(machine.state() == ConnectionState.CONNECTED, "not connected: " + machine.state());
    transportListener.onMessage(EnvelopeCodec.encode(EnvelopeCodec.envelope()
        .setSubscribed(Subscribed.newBuilder()
            .setTopic(TOPIC)
            .setRequestId(1)
            .setEpoch(EPOCH)
            .setNextSequence(FIRST_SEQUENCE))
        .build()));
    check(subscription.epoch() == EPOCH && subscription.lastSequence() == FIRST_SEQUENCE - 1,
        "subscription not positioned by Subscribed");

    byte[] payload = new byte[payloadSize];
    new Random(42).nextBytes(payload);
    frame = EnvelopeCodec.encode(EnvelopeCodec.envelope()
        .setDeliver(Deliver.newBuilder()
            .setTopic(TOPIC)
            .setEpoch(EPOCH)
            .setSequence(FIRST_SEQUENCE)
            .setPayload(ByteString.copyFrom(payload))
            .setKey(KEY)
            .setTimestampMs(clock.currentTimeMillis()))
        .build());
    sequenceOffset = locateSequence(frame);
    // The rewrite must produce exactly the envelope the server would have encoded.
    long probe = FIRST_SEQUENCE + 123_456_789L;
    writeSequence(frame, sequenceOffset, probe);
    Envelope decoded = EnvelopeCodec.decode(frame);
    check(decoded.getDeliver().getSequence() == probe && decoded.getDeliver().getEpoch() == EPOCH
        && decoded.getDeliver().getPayload().equals(ByteString.copyFrom(payload)), "sequence rewrite broke the frame");
    nextSequence = FIRST_SEQUENCE;
    check(uncaught == null, "setup failed: " + uncaught);
  }

  @TearDown(Level.Trial)
  public void verify() {
    long fed = nextSequence - FIRST_SEQUENCE;
    check(uncaught == null, "a serial-context task failed: " + uncaught);
    check(app.received == fed, "fed " + fed + " messages, the listener received " + app.received);
    check(app.outOfOrder == 0 && app.discontinuities == 0, "out of order: " + app.outOfOrder
        + ", discontinuities: " + app.discontinuities);
    check(app.payloadBytes == fed * payloadSize, "payload bytes do not add up");
    check(counters.duplicatesDropped == 0 && counters.gapsDetected == 0 && counters.protocolErrors == 0,
        "duplicates " + counters.duplicatesDropped + ", gaps " + counters.gapsDetected
            + ", protocol errors " + counters.protocolErrors);
    check(subscription.lastSequence() == nextSequence - 1, "subscription position is off");
    // Hello + Subscribe + one DeliverAck per 64 messages.
    check(socket.messages == 2 + fed / 64, "expected " + (2 + fed / 64) + " messages written, saw " + socket.messages);
    check(machine.state() == ConnectionState.CONNECTED, "no longer connected: " + machine.state());
  }

  @Benchmark
  public @Nullable Message fromTransport() {
    writeSequence(frame, sequenceOffset, nextSequence());
    transportListener.onMessage(frame);
    return app.last;
  }

  @Benchmark
  public @Nullable Message sessionOnly() {
    writeSequence(frame, sequenceOffset, nextSequence());
    session.onMessage(frame);
    return app.last;
  }

  private long nextSequence() {
    long s = nextSequence++;
    if (s > LAST_SEQUENCE) throw new IllegalStateException("sequence space for in-place rewrite exhausted");
    return s;
  }

  /** Offset of the Deliver's sequence varint (after its tag, field 3, wire type 0) in {@code frame}. */
  static int locateSequence(byte[] frame) {
    byte[] pattern = new byte[1 + VARINT_BYTES];
    pattern[0] = (byte) (3 << 3);
    writeSequence(pattern, 1, FIRST_SEQUENCE);
    int found = -1;
    for (int i = 0; i + pattern.length <= frame.length; i++) {
      boolean match = true;
      for (int j = 0; j < pattern.length && match; j++) match = frame[i + j] == pattern[j];
      if (match) {
        check(found < 0, "sequence pattern occurs twice in the frame");
        found = i + 1;
      }
    }
    check(found > 0, "sequence not found in the frame");
    return found;
  }

  /** Writes {@code value} (2^28 to 2^35 - 1) as the 5-byte varint protobuf itself would write. */
  static void writeSequence(byte[] buffer, int offset, long value) {
    for (int i = 0; i < VARINT_BYTES - 1; i++) {
      buffer[offset + i] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[offset + VARINT_BYTES - 1] = (byte) value;
  }

  static void check(boolean ok, String what) {
    if (!ok) throw new IllegalStateException("benchmark setup broken: " + what);
  }
}
