package dev.corridor.internal.transport;

import dev.corridor.Scheduler;
import java.io.Closeable;
import java.io.IOException;
import java.net.ProtocolException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Response;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.Okio;
import okio.Socket;
import org.jspecify.annotations.Nullable;

/**
 * One WebSocket whose frames are Corridor's own, on the connection OkHttp upgraded.
 *
 * <p>Threads: {@link #run()} is the socket's reader thread, one of Corridor's: it makes the upgrade
 * call, then reads frames until the socket ends, and makes every {@link TransportListener} call.
 * Writes are queued by any thread ({@link #send}, {@link #close}) and written by one writer task
 * at a time on Corridor's pool, which takes everything queued meanwhile and flushes it once.
 * {@link #cancel()} may be called from any thread, at any time, and ends both.
 *
 * <p>Whatever happens on the reader thread, an {@code Error} included, ends the socket and is
 * reported: a socket whose reader is gone is never left open.
 */
final class FramedSocket implements TransportSocket, Runnable, FrameReader.Callback {
  /** A close frame waiting in the queue. */
  private static final class Close {
    final int code;
    final String reason;

    Close(int code, String reason) {
      this.code = code;
      this.reason = reason;
    }
  }

  private final Call call;
  private final String key;
  private final TransportListener listener;
  private final long maxMessageBytes;
  private final boolean compression;
  private final Executor writerExecutor;
  private final Scheduler scheduler;
  private final long closeTimeoutNanos;
  private final Runnable writerTask = this::writeLoop;

  private final Object lock = new Object();
  // Guarded by `lock`.
  /** Binary messages (byte[]) and at most one Close, in order. */
  private ArrayDeque<Object> queue = new ArrayDeque<>();
  private ArrayDeque<Object> spare = new ArrayDeque<>();
  /** The payload of the newest unanswered Ping; older ones need no answer (RFC 6455 5.5.3). */
  private byte @Nullable [] pendingPong;
  /** Bytes of queued messages not yet flushed to the network. */
  private long queuedBytes;
  private boolean writerScheduled;
  private boolean closeQueued;
  private boolean closeWritten;
  private boolean closeReceived;
  private boolean readerDone;
  /** The reader thread has left (and closed the source); the last of reader and writer closes the sink. */
  private boolean readerExited;
  /** Set once, by {@link #cancel()}; waited for (with {@code lock}'s monitor) by the reader after a close. */
  private boolean cancelled;
  private @Nullable Socket socket;
  private @Nullable FrameWriter writer;
  private @Nullable BufferedSource source;
  private @Nullable BufferedSink sink;
  // Reader thread only.
  /** The reader's buffer, to look ahead for complete frames without reading them. */
  private okio.@Nullable Buffer readBuffer;
  /** The last message said more was buffered, and no message has followed it yet. */
  private boolean burstOpen;
  /** Ping and pong frames read since the last message. */
  private int controlFramesSinceMessage;
  // Reader thread only.
  /** The peer's close frame, reported again by onClosed once the socket has ended. */
  private int peerCloseCode;
  private String peerCloseReason = "";

  FramedSocket(Call call, String key, TransportListener listener, long maxMessageBytes, boolean compression,
      Executor writerExecutor, Scheduler scheduler, long closeTimeoutNanos) {
    this.call = call;
    this.key = key;
    this.listener = listener;
    this.maxMessageBytes = maxMessageBytes;
    this.compression = compression;
    this.writerExecutor = writerExecutor;
    this.scheduler = scheduler;
    this.closeTimeoutNanos = closeTimeoutNanos;
  }

  // ---- Reader thread ----

  @Override
  public void run() {
    Thread thread = Thread.currentThread();
    String name = thread.getName();
    thread.setName("corridor-reader " + call.request().url().host());
    try {
      read();
    } finally {
      readerExited();
      thread.setName(name);
    }
  }

  private void read() {
    Response response;
    try {
      response = call.execute();
    } catch (Throwable t) {
      finish();
      listener.onFailure(t, -1, null);
      return;
    }
    BufferedSource in;
    String extensions;
    try {
      Socket upgraded = Handshake.check(response, key);
      extensions = response.header(Handshake.EXTENSIONS);
      // After the upgrade the link's liveness is the heartbeat's job: no read or write timeout.
      upgraded.getSource().timeout().clearTimeout().clearDeadline();
      upgraded.getSink().timeout().clearTimeout().clearDeadline();
      in = Okio.buffer(upgraded.getSource());
      synchronized (lock) {
        socket = upgraded;
        source = in;
        BufferedSink out = Okio.buffer(upgraded.getSink());
        sink = out;
        writer = new FrameWriter(out, new SecureRandom());
        if (cancelled) throw new IOException("Canceled");
        if (!queue.isEmpty() || pendingPong != null) scheduleWriterLocked();
      }
    } catch (Handshake.RefusedException e) {
      release(response);
      finish();
      listener.onFailure(e, response.code(), response.header("Retry-After"));
      return;
    } catch (Throwable t) {
      release(response);
      finish();
      listener.onFailure(t, -1, null);
      return;
    }
    try {
      listener.onOpen(response.header("Sec-WebSocket-Protocol"), extensions);
      MessageInflater inflater = compression && extensions != null ? Handshake.inflater(extensions) : null;
      FrameReader reader = new FrameReader(in, maxMessageBytes, inflater, this);
      readBuffer = in.getBuffer();
      while (reader.readNext()) {
        // One message or control frame per turn. A burst announced with the last message ends
        // here if what followed it was a control frame and nothing complete is buffered now.
        if (burstOpen && !completeFrameBuffered()) {
          burstOpen = false;
          listener.onEndOfBurst();
        }
      }
      synchronized (lock) {
        readerDone = true;
      }
      // The close handshake: our answer (or our own close) goes out, then the socket ends.
      endAfterClose();
      awaitEnd();
      listener.onClosed(peerCloseCode, peerCloseReason);
    } catch (FrameException e) {
      failWith(e, e.closeCode(), e.getMessage());
    } catch (Throwable t) {
      // Including an OutOfMemoryError or a listener's bug: the link cannot be trusted any more.
      failWith(t, -1, null);
    }
  }

  /**
   * Ends the call of an upgrade answer that will not be used. For a 101 OkHttp hands the connection
   * over as a socket and the call ends only when the socket's streams are closed: closing the
   * Response alone would leave the call open (and the connection counted as in use, reported as
   * leaked at the next GC).
   */
  private static void release(Response response) {
    Socket upgraded = response.socket();
    if (upgraded != null) {
      upgraded.cancel();
      closeQuietly(upgraded.getSource());
      closeQuietly(upgraded.getSink());
    }
    response.close();
  }

  /** Ends the socket after a failure on the reader thread, with a close frame first if given. */
  private void failWith(Throwable error, int closeCode, @Nullable String reason) {
    boolean closing;
    synchronized (lock) {
      readerDone = true;
      closing = closeCode > 0 && !cancelled && !closeQueued;
      if (closing) enqueueCloseLocked(closeCode, reason == null ? "" : reason);
    }
    if (closing) {
      endAfterClose();
    } else {
      finish();
    }
    listener.onFailure(error, -1, null);
  }

  /**
   * Waits until the socket has ended after the close handshake (the writer ends it once our close
   * frame is out; the timer of {@link #endAfterClose} at the latest), so that {@code onClosed}
   * means closed. Bounded by the close timeout even if the timer never fires.
   */
  private void awaitEnd() {
    long deadline = System.nanoTime() + closeTimeoutNanos;
    boolean interrupted = false;
    synchronized (lock) {
      for (long left = closeTimeoutNanos; !cancelled && left > 0; left = deadline - System.nanoTime()) {
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    finish(); // a no-op unless the wait ended without the socket
  }

  /** The writer sends the close and ends the socket; if it cannot within the timeout, cancel. */
  private void endAfterClose() {
    boolean done;
    synchronized (lock) {
      done = cancelled || (closeWritten && !writerScheduled);
    }
    if (done) {
      finish();
      return;
    }
    scheduler.schedule(this::cancel, closeTimeoutNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void onBinary(byte[] message) {
    controlFramesSinceMessage = 0;
    boolean more = completeFrameBuffered();
    burstOpen = more;
    listener.onMessage(message, more);
  }

  /** Reader thread: whether the read buffer holds the whole next frame (so reading it cannot block). */
  private boolean completeFrameBuffered() {
    okio.Buffer b = readBuffer;
    long n = b == null ? 0 : b.size();
    if (n < 2) return false;
    int b1 = b.getByte(1) & 0xff;
    long len = b1 & 0x7f;
    long header = 2;
    if (len == 126) {
      if (n < 4) return false;
      len = ((b.getByte(2) & 0xff) << 8) | (b.getByte(3) & 0xff);
      header = 4;
    } else if (len == 127) {
      if (n < 10) return false;
      len = 0;
      for (int i = 2; i < 10; i++) len = (len << 8) | (b.getByte(i) & 0xff);
      if (len < 0) return false; // the reader refuses it; nothing to wait for
      header = 10;
    }
    if ((b1 & 0x80) != 0) header += 4; // masked (refused by the reader, but measured all the same)
    return n - header >= len;
  }

  @Override
  public void onText(long bytes) {
    listener.onTextMessage((int) Math.min(bytes, Integer.MAX_VALUE));
  }

  /** Reports liveness for the first control frame after a message, then every 64th. Reader thread. */
  private void controlFrame() {
    if ((controlFramesSinceMessage++ & 63) == 0) listener.onControlFrame();
  }

  @Override
  public void onPing(byte[] payload) {
    controlFrame();
    synchronized (lock) {
      if (closeQueued || cancelled) return;
      pendingPong = payload;
      scheduleWriterLocked();
    }
  }

  @Override
  public void onPong() {
    controlFrame();
    // Protocol v1 needs no pong frame (its heartbeat uses Ping envelopes), but it proves the link alive.
  }

  @Override
  public void onClose(int code, String reason) {
    peerCloseCode = code;
    peerCloseReason = reason;
    synchronized (lock) {
      closeReceived = true;
      // Echo the code, as RFC 6455 section 5.5.1 asks; a close without one is answered with 1000.
      if (!closeQueued) enqueueCloseLocked(code == Frames.NO_STATUS ? 1000 : code, "");
    }
    listener.onClosing(code, reason);
  }

  // ---- Any thread ----

  @Override
  public boolean send(byte[] message) {
    synchronized (lock) {
      if (closeQueued || cancelled) return false;
      queue.add(message);
      queuedBytes += message.length;
      scheduleWriterLocked();
      return true;
    }
  }

  @Override
  public long queuedBytes() {
    synchronized (lock) {
      return queuedBytes;
    }
  }

  @Override
  public void close(int code, String reason) {
    String invalid = Frames.invalidCloseCode(code);
    if (invalid != null) throw new IllegalArgumentException(invalid);
    synchronized (lock) {
      if (closeQueued || cancelled) return;
      enqueueCloseLocked(code, reason);
    }
  }

  @Override
  public void cancel() {
    Socket s;
    synchronized (lock) {
      if (cancelled) return;
      cancelled = true;
      lock.notifyAll(); // a reader waiting in awaitEnd
      queue.clear();
      pendingPong = null;
      queuedBytes = 0;
      s = socket;
    }
    // Only the socket: its buffered streams belong to the reader and the writer, which may be in
    // them right now; each closes its own when it sees the socket gone (closing them from here
    // recycled okio segments under their feet and corrupted okio's shared pool).
    if (s != null) {
      s.cancel();
    } else {
      call.cancel();
    }
  }

  private void finish() {
    cancel();
  }

  /**
   * Reader thread, on its way out: closes the source and, unless the writer is still running (it
   * then closes it on its way out), the sink. Closing both releases OkHttp's hold on the
   * connection; the socket itself is already closed.
   */
  private void readerExited() {
    BufferedSource in;
    BufferedSink out = null;
    synchronized (lock) {
      readerExited = true;
      in = source;
      source = null;
      if (!writerScheduled) out = takeSinkLocked();
    }
    closeQuietly(in);
    closeQuietly(out);
  }

  /** Caller holds the lock: the sink, to close, once nobody will write to it again; else null. */
  private @Nullable BufferedSink takeSinkLocked() {
    BufferedSink out = sink;
    sink = null;
    writer = null; // nothing is scheduled on a closed sink
    return out;
  }

  private static void closeQuietly(@Nullable Closeable c) {
    if (c == null) return;
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // The socket is gone either way.
    }
  }

  private void enqueueCloseLocked(int code, String reason) {
    closeQueued = true;
    queue.add(new Close(code, reason));
    scheduleWriterLocked();
  }

  private void scheduleWriterLocked() {
    if (writerScheduled || writer == null || cancelled) return;
    writerScheduled = true;
    writerExecutor.execute(writerTask);
  }

  // ---- Writer task ----

  /** Writes everything queued, one flush per batch, until the queue is empty. */
  private void writeLoop() {
    FrameWriter w;
    BufferedSink toClose = null;
    while (true) {
      ArrayDeque<Object> batch;
      byte[] pong;
      synchronized (lock) {
        w = writer;
        if (cancelled || w == null || (queue.isEmpty() && pendingPong == null)) {
          writerScheduled = false;
          // The reader left while this ran: the sink is this thread's to close.
          if (readerExited) toClose = takeSinkLocked();
          break;
        }
        batch = queue;
        queue = spare;
        spare = batch;
        pong = pendingPong;
        pendingPong = null;
      }
      long bytes = 0;
      boolean wroteClose = false;
      try {
        if (pong != null) w.writeFrame(Frames.OP_PONG, pong);
        for (Object o; (o = batch.poll()) != null; ) {
          if (o instanceof byte[]) {
            byte[] m = (byte[]) o;
            w.writeFrame(Frames.OP_BINARY, m);
            bytes += m.length;
          } else {
            Close c = (Close) o;
            w.writeClose(c.code, c.reason);
            wroteClose = true;
          }
        }
        w.flush();
      } catch (Throwable t) {
        // The reader sees the broken socket and reports it; the writer only stops.
        batch.clear();
        BufferedSink out = null;
        synchronized (lock) {
          writerScheduled = false;
          if (readerExited) out = takeSinkLocked();
        }
        cancel();
        closeQuietly(out);
        return;
      }
      synchronized (lock) {
        if (!cancelled) queuedBytes -= bytes; // cancel() already reset it to 0
        if (wroteClose) closeWritten = true;
      }
    }
    boolean end;
    synchronized (lock) {
      end = closeWritten && (closeReceived || readerDone);
    }
    if (end) cancel(); // both closes exchanged (or the reader failed): nothing more to say
    closeQuietly(toClose);
  }
}
