package dev.corridor.internal.session;

import com.google.protobuf.ByteString;
import dev.corridor.Clock;
import dev.corridor.CorridorException;
import dev.corridor.internal.codec.EnvelopeCodec;
import dev.corridor.internal.connection.ConnectionControl;
import dev.corridor.internal.connection.Link;
import dev.corridor.internal.connection.SessionHandler;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.ErrorCode;
import dev.corridor.proto.v1.Hello;
import dev.corridor.proto.v1.Ping;
import dev.corridor.proto.v1.Pong;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.Welcome;
import org.jspecify.annotations.Nullable;

/**
 * Protocol v1 for one client, across all its connections: session establishment, heartbeat
 * envelopes, server errors and publishes. Lives in the client's serial context.
 */
public final class Session implements SessionHandler {
  private final String clientId;
  private final String userAgent;
  private final int maxInboundBytes;
  private final Clock clock;
  private final ConnectionControl control;

  // Touched only in the serial context.
  /** The open link, or null between connections. */
  private @Nullable Link link;
  /** True once the current link's Welcome arrived. */
  private boolean welcomed;
  /** Resume token from the last Welcome; empty before the first. */
  private ByteString resumeToken = ByteString.EMPTY;
  /** Largest message the server accepts, from the Welcome (0 = unknown). */
  private volatile int serverMaxMessageBytes;

  public Session(String clientId, String userAgent, int maxInboundBytes, Clock clock, ConnectionControl control) {
    this.clientId = clientId;
    this.userAgent = userAgent;
    this.maxInboundBytes = maxInboundBytes;
    this.clock = clock;
    this.control = control;
  }

  @Override
  public void onOpen(Link link) {
    this.link = link;
    this.welcomed = false;
    Hello hello = Hello.newBuilder()
        .setClientId(clientId)
        .setResumeToken(resumeToken)
        .setUserAgent(userAgent)
        .setMaxMessageBytes(maxInboundBytes)
        .build();
    link.send(EnvelopeCodec.encode(EnvelopeCodec.envelope().setHello(hello).build()));
  }

  @Override
  public void onMessage(byte[] message) {
    Envelope envelope;
    try {
      envelope = EnvelopeCodec.decode(message);
    } catch (EnvelopeCodec.UnsupportedVersionException e) {
      if (welcomed) {
        control.protocolError(e.error());
      } else {
        control.abort(e.error()); // a server speaking another version cannot be talked to
      }
      return;
    } catch (CorridorException e) {
      control.protocolError(e);
      return;
    }
    switch (envelope.getKindCase()) {
      case WELCOME:
        onWelcome(envelope.getWelcome());
        break;
      case PONG:
        control.pongReceived(envelope.getPong().getNonce());
        break;
      case PING:
        answerPing(envelope.getPing());
        break;
      case ERROR:
        onError(envelope.getError());
        break;
      default:
        if (!welcomed) {
          control.protocolError(new CorridorException(CorridorException.Kind.PROTOCOL,
              envelope.getKindCase() + " before Welcome"));
        }
        // Deliveries, acks and responses are handled by the delivery layer (not yet wired).
        break;
    }
  }

  private void onWelcome(Welcome welcome) {
    if (welcomed) {
      control.protocolError(new CorridorException(CorridorException.Kind.PROTOCOL, "second Welcome"));
      return;
    }
    welcomed = true;
    resumeToken = welcome.getResumeToken();
    serverMaxMessageBytes = welcome.getMaxMessageBytes();
    control.welcomed(welcome.getHeartbeatIntervalMs());
  }

  private void answerPing(Ping ping) {
    Link l = link;
    if (l == null) return;
    Pong pong = Pong.newBuilder()
        .setNonce(ping.getNonce())
        .setPingSentAtMs(ping.getSentAtMs())
        .setSentAtMs(clock.currentTimeMillis())
        .build();
    l.send(EnvelopeCodec.encode(EnvelopeCodec.envelope().setPong(pong).build()));
  }

  private void onError(dev.corridor.proto.v1.Error error) {
    if (error.getRefCase() != dev.corridor.proto.v1.Error.RefCase.REF_NOT_SET) {
      return; // concerns one publish, request or topic: the delivery layer's business
    }
    long retryAfter = error.getRetryAfterMs() > 0 ? error.getRetryAfterMs() : -1;
    String text = error.getCode() + (error.getMessage().isEmpty() ? "" : ": " + error.getMessage());
    CorridorException.Kind kind;
    if (error.getCode() == ErrorCode.ERROR_CODE_UNAUTHENTICATED) {
      kind = CorridorException.Kind.AUTHENTICATION;
    } else if (error.getCode() == ErrorCode.ERROR_CODE_UNSUPPORTED_VERSION) {
      kind = CorridorException.Kind.PROTOCOL;
    } else {
      kind = error.getRetryable() ? CorridorException.Kind.SERVER_ERROR : CorridorException.Kind.SERVER_REFUSED;
    }
    control.serverError(new CorridorException(kind, text, null, -1, -1, retryAfter));
  }

  @Override
  public void sendPing(long nonce) {
    Link l = link;
    if (l == null) return;
    Ping ping = Ping.newBuilder().setNonce(nonce).setSentAtMs(clock.currentTimeMillis()).build();
    l.send(EnvelopeCodec.encode(EnvelopeCodec.envelope().setPing(ping).build()));
  }

  /** Sends a best-effort publish. False when there is no established link or it refused. */
  public boolean publish(String topic, byte[] payload) {
    Link l = link;
    if (l == null || !welcomed) return false;
    Publish publish = Publish.newBuilder()
        .setTopic(topic)
        .setPayload(ByteString.copyFrom(payload))
        .setDelivery(DeliveryMode.DELIVERY_MODE_BEST_EFFORT)
        .build();
    return l.send(EnvelopeCodec.encode(EnvelopeCodec.envelope().setPublish(publish).build()));
  }

  /** Largest message the server accepts (from its Welcome), or 0 when unknown. */
  public int serverMaxMessageBytes() {
    return serverMaxMessageBytes;
  }

  @Override
  public void onDisconnected() {
    link = null;
    welcomed = false;
  }
}
