package dev.corridor.internal.session;

import com.google.protobuf.ByteString;
import dev.corridor.Clock;
import dev.corridor.CorridorException;
import dev.corridor.internal.codec.DeliverReader;
import dev.corridor.internal.codec.EnvelopeCodec;
import dev.corridor.internal.connection.ConnectionControl;
import dev.corridor.internal.connection.Link;
import dev.corridor.internal.connection.Links;
import dev.corridor.internal.connection.SessionHandler;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.ErrorCode;
import dev.corridor.proto.v1.Hello;
import dev.corridor.proto.v1.Ping;
import dev.corridor.proto.v1.Pong;
import dev.corridor.proto.v1.Welcome;

/**
 * Protocol v1 for one client, across all its connections: session establishment, heartbeat
 * envelopes and connection-level errors here; publishes, subscriptions and requests in their own
 * classes, to which envelopes are dispatched. Lives in the client's serial context.
 */
public final class Session implements SessionHandler {
  private final String clientId;
  private final String userAgent;
  private final int maxInboundBytes;
  private final Clock clock;
  private final ConnectionControl control;
  /** Where the handshake and heartbeat envelopes may be written now, if anywhere. */
  private final Links links;
  private final Publisher publisher;
  private final Subscriptions subscriptions;
  private final Requests requests;

  // Touched only in the serial context.
  private final DeliverReader deliverReader = new DeliverReader();
  /** True once the current link's Welcome arrived. */
  private boolean welcomed;
  /** Resume token from the last Welcome; empty before the first. */
  private ByteString resumeToken = ByteString.EMPTY;
  /** Largest message the server accepts, from the Welcome (0 = unknown). */
  private volatile int serverMaxMessageBytes;

  public Session(String clientId, String userAgent, int maxInboundBytes, Clock clock,
      ConnectionControl control, Links links, Publisher publisher, Subscriptions subscriptions,
      Requests requests) {
    this.links = links;
    this.clientId = clientId;
    this.userAgent = userAgent;
    this.maxInboundBytes = maxInboundBytes;
    this.clock = clock;
    this.control = control;
    this.publisher = publisher;
    this.subscriptions = subscriptions;
    this.requests = requests;
  }

  @Override
  public void onOpen(Link link) {
    this.welcomed = false;
    Hello hello = Hello.newBuilder()
        .setClientId(clientId)
        .setResumeToken(resumeToken)
        .addAllPositions(subscriptions.positions())
        .setUserAgent(userAgent)
        .setMaxMessageBytes(maxInboundBytes)
        .setLastClientSequence(publisher.lastAssignedSequence())
        .build();
    link.send(EnvelopeCodec.encode(EnvelopeCodec.envelope().setHello(hello).build()));
  }

  @Override
  public void onMessage(byte[] message) {
    if (deliverReader.read(message)) { // the common case, read in place
      if (!welcomed) {
        control.protocolError(new CorridorException(CorridorException.Kind.PROTOCOL, "DELIVER before Welcome"));
        return;
      }
      subscriptions.onDeliver(deliverReader);
      return;
    }
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
    Envelope.KindCase kind = envelope.getKindCase();
    if (!welcomed && kind != Envelope.KindCase.WELCOME && kind != Envelope.KindCase.ERROR
        && kind != Envelope.KindCase.PING && kind != Envelope.KindCase.PONG) {
      control.protocolError(new CorridorException(CorridorException.Kind.PROTOCOL, kind + " before Welcome"));
      return;
    }
    switch (kind) {
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
      case PUBLISH_ACK:
        publisher.onAck(envelope.getPublishAck());
        break;
      case DELIVER:
        subscriptions.onDeliver(envelope.getDeliver());
        break;
      case SUBSCRIBED:
        subscriptions.onSubscribed(envelope.getSubscribed());
        break;
      case DISCONTINUITY:
        subscriptions.onDiscontinuity(envelope.getDiscontinuity());
        break;
      case RESPONSE:
        requests.onResponse(envelope.getResponse());
        break;
      default:
        // Client-to-server kinds (Hello, Publish, Subscribe ...) have no meaning here.
        control.protocolError(new CorridorException(CorridorException.Kind.PROTOCOL,
            "unexpected " + kind + " from the server"));
        break;
    }
  }

  private void onWelcome(Welcome welcome) {
    if (welcomed) {
      control.protocolError(new CorridorException(CorridorException.Kind.PROTOCOL, "second Welcome"));
      return;
    }
    if (links.forControl() == null) return;
    welcomed = true;
    resumeToken = welcome.getResumeToken();
    serverMaxMessageBytes = welcome.getMaxMessageBytes();
    control.welcomed(welcome.getHeartbeatIntervalMs());
    // Restore in order: subscriptions (so replays start), pending requests, then the outbox.
    subscriptions.onConnected(welcome.getResumed());
    requests.onConnected();
    publisher.onConnected(welcome.getLastClientSequence(), welcome.getMaxInflight(),
        welcome.getMaxMessageBytes());
  }

  private void answerPing(Ping ping) {
    Link l = links.forControl();
    if (l == null) return;
    Pong pong = Pong.newBuilder()
        .setNonce(ping.getNonce())
        .setPingSentAtMs(ping.getSentAtMs())
        .setSentAtMs(clock.currentTimeMillis())
        .build();
    l.send(EnvelopeCodec.encode(EnvelopeCodec.envelope().setPong(pong).build()));
  }

  private void onError(dev.corridor.proto.v1.Error error) {
    String code = error.getCode().name().replace("ERROR_CODE_", "");
    switch (error.getRefCase()) {
      case CLIENT_SEQUENCE:
        publisher.onRejected(error.getClientSequence(), code, error.getMessage(), error.getRetryable(),
            retryAfterMillis(error));
        return;
      case REQUEST_ID:
        requests.onRejected(error.getRequestId(), code, error.getMessage());
        return;
      case TOPIC:
        subscriptions.onRejected(error.getTopic(), code, error.getMessage(), error.getRetryable());
        return;
      default:
        break;
    }
    long hint = retryAfterMillis(error);
    long retryAfter = hint > 0 ? hint : -1;
    String text = code + (error.getMessage().isEmpty() ? "" : ": " + error.getMessage());
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
  public void endOfBurst() {
    subscriptions.startDeferredDrains();
  }

  /** The Error's {@code retry_after_ms}, a uint32: read unsigned, so 2^31 ms and more stay a hint. */
  private static long retryAfterMillis(dev.corridor.proto.v1.Error error) {
    return error.getRetryAfterMs() & 0xffffffffL;
  }

  @Override
  public void sendPing(long nonce) {
    Link l = links.forControl();
    if (l == null) return;
    Ping ping = Ping.newBuilder().setNonce(nonce).setSentAtMs(clock.currentTimeMillis()).build();
    l.send(EnvelopeCodec.encode(EnvelopeCodec.envelope().setPing(ping).build()));
  }

  /** Largest message the server accepts (from its Welcome), or 0 when unknown. */
  public int serverMaxMessageBytes() {
    return serverMaxMessageBytes;
  }

  @Override
  public void onDisconnected() {
    subscriptions.startDeferredDrains(); // a burst cut short by the link's end
    welcomed = false;
    publisher.onDisconnected();
    subscriptions.onDisconnected();
    requests.onDisconnected();
  }

  @Override
  public void onTerminated() {
    publisher.terminate();
    subscriptions.terminate();
    requests.terminate();
  }
}
