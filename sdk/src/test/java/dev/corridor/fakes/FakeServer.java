package dev.corridor.fakes;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.corridor.fakes.FakeTransport.FakeSocket;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Error;
import dev.corridor.proto.v1.ErrorCode;
import dev.corridor.proto.v1.Pong;
import dev.corridor.proto.v1.Welcome;
import java.util.ArrayList;
import java.util.List;

/**
 * A protocol v1 server over {@link FakeTransport}, with hooks for faults. By default it accepts
 * every upgrade with {@code corridor.v1}, answers Hello with Welcome and Ping with Pong, all
 * synchronously (in the same virtual instant).
 */
public final class FakeServer {
  public final FakeTransport transport = new FakeTransport();
  /** Whether to accept the upgrade automatically. */
  public boolean autoAccept = true;
  /** Whether to answer Hello with Welcome automatically. */
  public boolean autoWelcome = true;
  /** Whether to answer Ping with Pong automatically. */
  public boolean autoPong = true;
  public int heartbeatHintMs;
  public int maxMessageBytes;
  public final List<Envelope> received = new ArrayList<>();
  private int sessions;

  public FakeServer() {
    transport.onOpen(socket -> {
      if (autoAccept) accept(socket);
    });
  }

  public void accept(FakeSocket socket) {
    socket.inbox = message -> handle(socket, message);
    socket.acceptUpgrade("corridor.v1");
  }

  private void handle(FakeSocket socket, byte[] message) {
    Envelope e = parse(message);
    received.add(e);
    if (e.hasHello() && autoWelcome) {
      welcome(socket);
    } else if (e.hasPing() && autoPong) {
      socket.receive(env().setPong(Pong.newBuilder().setNonce(e.getPing().getNonce())
          .setPingSentAtMs(e.getPing().getSentAtMs())).build().toByteArray());
    }
  }

  public void welcome(FakeSocket socket) {
    sessions++;
    socket.receive(env().setWelcome(Welcome.newBuilder()
        .setSessionId("s" + sessions)
        .setResumeToken(ByteString.copyFromUtf8("token-" + sessions))
        .setHeartbeatIntervalMs(heartbeatHintMs)
        .setMaxMessageBytes(maxMessageBytes)).build().toByteArray());
  }

  public static byte[] connectionError(ErrorCode code, boolean retryable, int retryAfterMs) {
    return env().setError(Error.newBuilder().setCode(code).setRetryable(retryable)
        .setRetryAfterMs(retryAfterMs).setMessage("test")).build().toByteArray();
  }

  public static Envelope.Builder env() {
    return Envelope.newBuilder().setProtocolVersion(1);
  }

  public static Envelope parse(byte[] bytes) {
    try {
      return Envelope.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("client sent a malformed envelope", e);
    }
  }

  public List<Envelope> receivedOfKind(Envelope.KindCase kind) {
    List<Envelope> out = new ArrayList<>();
    for (Envelope e : received) if (e.getKindCase() == kind) out.add(e);
    return out;
  }
}
