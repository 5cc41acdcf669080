package dev.corridor.internal.session;

import com.google.protobuf.UnsafeByteOperations;
import dev.corridor.Clock;
import dev.corridor.RequestException;
import dev.corridor.RequestOptions;
import dev.corridor.Response;
import dev.corridor.Scheduler;
import dev.corridor.internal.ResponseAccess;
import dev.corridor.internal.ResultFuture;
import dev.corridor.internal.codec.EnvelopeCodec;
import dev.corridor.internal.connection.Link;
import dev.corridor.internal.connection.Links;
import dev.corridor.internal.time.SerialContext;
import dev.corridor.internal.time.SerialTimer;
import dev.corridor.proto.v1.Request;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Request/response correlated by request id. A request waits for a connection if there is none,
 * is sent once connected, and completes with the response, a timeout, or, if the link drops after
 * it was sent, a disconnect failure (idempotent requests are sent again instead). Serial context
 * only, except {@link #request}.
 */
public final class Requests {
  private final Clock clock;
  private final SerialContext context;
  private final Executor callbacks;

  // Owned by the serial context.
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  /**
   * One timer for all timeouts, armed for the earliest deadline it knows of. A request that ends
   * early leaves it armed (it then finds nothing due and re-arms), so a stream of requests costs
   * the scheduler one task per timeout period instead of a schedule and a cancel per request.
   */
  private final SerialTimer sweep;
  /** When {@link #sweep} fires, or Long.MAX_VALUE when it is idle. */
  private long sweepAtNanos = Long.MAX_VALUE;
  /** Where requests may be written now, if anywhere. */
  private final Links links;
  private long nextId = 1;

  public Requests(Clock clock, Scheduler scheduler, SerialContext context, Executor callbacks, Links links) {
    this.links = links;
    this.clock = clock;
    this.context = context;
    this.callbacks = callbacks;
    this.sweep = new SerialTimer(scheduler, context, this::expire);
  }

  public CompletableFuture<Response> request(String method, byte[] payload, RequestOptions options) {
    ResultFuture<Response> future = new ResultFuture<>();
    context.execute(() -> {
      if (links.isTerminated()) {
        fail(future, RequestException.Kind.CLOSED, "client is closed");
        return;
      }
      long deadline = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis());
      Pending p = new Pending(nextId++, method, payload, options, future, deadline);
      pending.put(p.id, p);
      if (sweepAtNanos == Long.MAX_VALUE || deadline - sweepAtNanos < 0) armSweep(deadline);
      send(p);
    });
    return future;
  }

  /** Fails the requests that are due, then re-arms for the earliest deadline left. */
  private void expire() {
    sweepAtNanos = Long.MAX_VALUE;
    long now = clock.nanoTime();
    long next = Long.MAX_VALUE;
    Iterator<Pending> it = pending.values().iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (p.deadlineNanos - now <= 0) {
        it.remove();
        fail(p.future, RequestException.Kind.TIMEOUT, "no response within " + p.options.timeoutMillis() + " ms");
      } else if (next == Long.MAX_VALUE || p.deadlineNanos - next < 0) {
        next = p.deadlineNanos;
      }
    }
    if (next != Long.MAX_VALUE) armSweep(next);
  }

  private void armSweep(long atNanos) {
    sweepAtNanos = atNanos;
    sweep.start(atNanos - clock.nanoTime());
  }

  void onConnected() {
    for (Pending p : new ArrayList<>(pending.values())) {
      if (!p.sent) send(p);
    }
  }

  void onDisconnected() {
    Iterator<Pending> it = pending.values().iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (!p.sent) continue;
      if (p.options.idempotent()) {
        p.sent = false; // sent again on the next connection
      } else {
        it.remove();
        fail(p.future, RequestException.Kind.DISCONNECTED, "connection lost after the request was sent");
      }
    }
  }

  void onResponse(dev.corridor.proto.v1.Response r) {
    Pending p = pending.remove(r.getRequestId());
    if (p == null) return; // timed out already, or not ours
    Response response = ResponseAccess.create(status(r.getStatus()), r.getPayload().toByteArray(), r.getMessage());
    if (response.isOk() || p.options.anyStatus()) {
      callbacks.execute(() -> p.future.succeed(response));
    } else {
      RequestException notOk = new RequestException(response);
      callbacks.execute(() -> p.future.fail(notOk));
    }
  }

  void onRejected(long requestId, String code, String message) {
    Pending p = pending.remove(requestId);
    if (p == null) return;
    fail(p.future, RequestException.Kind.REJECTED, code + (message.isEmpty() ? "" : ": " + message));
  }

  void terminate() {
    sweep.cancel();
    sweepAtNanos = Long.MAX_VALUE;
    for (Pending p : pending.values()) {
      fail(p.future, RequestException.Kind.CLOSED, "client is closed");
    }
    pending.clear();
  }

  private void send(Pending p) {
    Link l = links.forMessages();
    if (l == null) return;
    Request req = Request.newBuilder()
        .setRequestId(p.id)
        .setMethod(p.method)
        .setPayload(UnsafeByteOperations.unsafeWrap(p.payload))
        .setTimeoutMs((int) Math.min(Integer.MAX_VALUE, p.options.timeoutMillis()))
        .build();
    p.sent = l.send(EnvelopeCodec.encode(EnvelopeCodec.envelope().setRequest(req).build()));
  }

  private void fail(ResultFuture<Response> future, RequestException.Kind kind, String message) {
    RequestException e = new RequestException(kind, message);
    callbacks.execute(() -> future.fail(e));
  }

  private static Response.Status status(dev.corridor.proto.v1.Response.Status s) {
    switch (s) {
      case STATUS_OK:
        return Response.Status.OK;
      case STATUS_ERROR:
        return Response.Status.ERROR;
      case STATUS_NOT_FOUND:
        return Response.Status.NOT_FOUND;
      case STATUS_INVALID:
        return Response.Status.INVALID;
      case STATUS_UNAVAILABLE:
        return Response.Status.UNAVAILABLE;
      default:
        return Response.Status.UNSPECIFIED;
    }
  }

  private static final class Pending {
    final long id;
    final String method;
    final byte[] payload;
    final RequestOptions options;
    final ResultFuture<Response> future;
    /** When it times out, in {@link Clock#nanoTime()} terms. */
    final long deadlineNanos;
    /** Written on the current connection. */
    boolean sent;

    Pending(long id, String method, byte[] payload, RequestOptions options, ResultFuture<Response> future,
        long deadlineNanos) {
      this.id = id;
      this.deadlineNanos = deadlineNanos;
      this.method = method;
      this.payload = payload;
      this.options = options;
      this.future = future;
    }
  }
}
