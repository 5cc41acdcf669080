package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.fakes.FakeServer;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Error;
import dev.corridor.proto.v1.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestResponseTest {
  private final Harness h = new Harness();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static RequestException.Kind failure(CompletableFuture<Response> f) {
    assertThat(f).isCompletedExceptionally();
    try {
      f.join();
      throw new AssertionError("not failed");
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(RequestException.class);
      return ((RequestException) e.getCause()).kind();
    }
  }

  @Test
  void responseIsCorrelatedById() {
    h.startConnected();
    var a = h.client.request("quote", bytes("AAPL"));
    var b = h.client.request("quote", bytes("MSFT"));
    assertThat(new String(a.join().payload(), StandardCharsets.UTF_8)).isEqualTo("AAPL");
    assertThat(new String(b.join().payload(), StandardCharsets.UTF_8)).isEqualTo("MSFT");
    assertThat(a.join().isOk()).isTrue();
    var ids = h.server.receivedOfKind(Envelope.KindCase.REQUEST);
    assertThat(ids.get(0).getRequest().getRequestId()).isNotEqualTo(ids.get(1).getRequest().getRequestId());
    assertThat(ids.get(0).getRequest().getTimeoutMs()).isEqualTo(10_000);
  }

  @Test
  void noResponseInTimeIsATypedTimeout() {
    h.server.autoRespond = false;
    h.startConnected();
    var f = h.client.request("slow", bytes("x"), RequestOptions.builder().timeout(3, TimeUnit.SECONDS).build());
    h.advance(2_999);
    assertThat(f).isNotDone();
    h.advance(1);
    assertThat(failure(f)).isEqualTo(RequestException.Kind.TIMEOUT);
  }

  @Test
  void aRequestMadeOfflineIsSentOnConnect() {
    h.network.available = false;
    h.start();
    var f = h.client.request("quote", bytes("AAPL"));
    assertThat(f).isNotDone();
    h.network.regain();
    assertThat(f.join().isOk()).isTrue();
  }

  @Test
  void aDroppedLinkFailsANonIdempotentRequestButResendsAnIdempotentOne() {
    h.server.autoRespond = false;
    h.startConnected();
    var order = h.client.request("placeOrder", bytes("buy"));
    var quote = h.client.request("quote", bytes("AAPL"), RequestOptions.builder().idempotent(true).build());
    h.server.transport.last().failWithIo("drop");
    assertThat(failure(order)).isEqualTo(RequestException.Kind.DISCONNECTED);
    assertThat(quote).isNotDone();
    h.server.autoRespond = true;
    h.advance(h.states.skipTo(WAITING_TO_RETRY).retryDelayMillis());
    h.states.skipTo(CONNECTED);
    assertThat(quote.join().isOk()).isTrue();
    assertThat(h.server.receivedOfKind(Envelope.KindCase.REQUEST)).hasSize(3);
  }

  @Test
  void aServerErrorForTheRequestIsARejection() {
    h.server.autoRespond = false;
    h.startConnected();
    var f = h.client.request("forbidden", bytes("x"));
    long id = h.server.receivedOfKind(Envelope.KindCase.REQUEST).get(0).getRequest().getRequestId();
    h.server.transport.last().receive(FakeServer.env().setError(Error.newBuilder()
        .setCode(ErrorCode.ERROR_CODE_FORBIDDEN).setMessage("not yours").setRequestId(id)).build().toByteArray());
    assertThat(failure(f)).isEqualTo(RequestException.Kind.REJECTED);
    assertThat(h.client.state()).isEqualTo(CONNECTED);
  }

  @Test
  void closeFailsOutstandingRequests() {
    h.server.autoRespond = false;
    h.startConnected();
    var f = h.client.request("slow", bytes("x"));
    h.client.close();
    h.server.transport.last().listener.onClosed(1000, "");
    assertThat(failure(f)).isEqualTo(RequestException.Kind.CLOSED);
    assertThat(failure(h.client.request("late", bytes("x")))).isEqualTo(RequestException.Kind.CLOSED);
  }

  private void answerLastRequest(dev.corridor.proto.v1.Response.Status status, String message) {
    var last = h.server.receivedOfKind(Envelope.KindCase.REQUEST);
    long id = last.get(last.size() - 1).getRequest().getRequestId();
    h.server.transport.last().receive(FakeServer.env().setResponse(dev.corridor.proto.v1.Response.newBuilder()
        .setRequestId(id).setStatus(status).setMessage(message)
        .setPayload(com.google.protobuf.ByteString.copyFromUtf8("details"))).build().toByteArray());
  }

  @Test
  void aNotFoundAnswerFailsTheRequestWithTheResponseAttached() {
    h.server.autoRespond = false;
    h.startConnected();
    var f = h.client.request("no-such-method", bytes("x"));
    answerLastRequest(dev.corridor.proto.v1.Response.Status.STATUS_NOT_FOUND, "unknown method no-such-method");

    assertThat(failure(f)).isEqualTo(RequestException.Kind.NOT_OK);
    RequestException e = (RequestException) f.handle((r, t) -> t.getCause() != null ? t.getCause() : t).join();
    assertThat(e.response()).isNotNull();
    assertThat(e.response().status()).isEqualTo(Response.Status.NOT_FOUND);
    assertThat(e.response().message()).isEqualTo("unknown method no-such-method");
    assertThat(new String(e.response().payload(), StandardCharsets.UTF_8)).isEqualTo("details");
    assertThat(e).hasMessage("NOT_OK: NOT_FOUND: unknown method no-such-method");
  }

  @Test
  void withAnyStatusEveryAnswerCompletesNormally() {
    h.server.autoRespond = false;
    h.startConnected();
    var f = h.client.request("no-such-method", bytes("x"), RequestOptions.builder().anyStatus(true).build());
    answerLastRequest(dev.corridor.proto.v1.Response.Status.STATUS_INVALID, "bad symbol");

    assertThat(f.join().status()).isEqualTo(Response.Status.INVALID);
    assertThat(f.join().isOk()).isFalse();
  }
}
