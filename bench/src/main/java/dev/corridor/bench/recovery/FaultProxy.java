package dev.corridor.bench.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A TCP proxy on loopback that injects faults on a schedule, for recovery runs over real sockets.
 * Plain blocking {@code java.net} sockets: one accept thread, two pump threads per connection
 * (client to server, server to client), one timer thread for the schedule and the flap closes.
 *
 * <p>Modes ({@link Mode}):
 *
 * <ul>
 *   <li>{@code pass}: bytes, end of stream and resets are forwarded both ways (a half close is
 *       forwarded as a half close, a reset as a reset).
 *   <li>{@code blackhole}: a half-open link. Connections, old and new, are accepted and kept, but
 *       nothing is forwarded in either direction: each pump holds what it read (bytes, end of
 *       stream or error) until the mode changes, and the kernel buffers hold the rest. A link
 *       abandoned by its client during the black hole is therefore seen closed only when the black
 *       hole ends, when the held bytes are delivered.
 *   <li>{@code reset}: every open connection is closed with a TCP RST on both sides
 *       ({@code SO_LINGER} 0), then {@code pass}.
 *   <li>{@code refuse}: every open connection is reset, and the listening socket is closed, so new
 *       connects fail with ECONNREFUSED, as they do when the server's process is down or its port
 *       closed. The next mode binds the same port again.
 *   <li>{@code reject}: every open connection is reset; new ones are accepted and reset at once (a
 *       server whose process is up but refuses work: the client's connect succeeds and its
 *       upgrade fails with "connection reset").
 *   <li>{@code flap}: as {@code pass}, but every connection is closed (FIN both ways)
 *       {@link #FLAP_CLOSE_MILLIS} ms after the first byte the server sends past its HTTP response
 *       head: the server accepts the WebSocket, sends its Welcome, and drops it.
 * </ul>
 *
 * <p>The schedule is a list of {@code seconds:mode} steps, e.g.
 * {@code 0:pass,15:blackhole,75:pass,90:reset,92:refuse,110:pass}, on the proxy's clock: t = 0 is
 * {@link #startNanos()} ({@code System.nanoTime()} when {@link #start} was called). Every
 * connection's open and close and every mode change are reported to the log consumer with the
 * time since t = 0.
 *
 * <p>Run alone: {@code java -cp bench/target/corridor-bench.jar dev.corridor.bench.recovery.FaultProxy
 * LISTEN_PORT TARGET_PORT SCHEDULE}; prints the log as it goes and runs until killed.
 */
public final class FaultProxy implements AutoCloseable {
  /** How long after the server's first WebSocket byte a {@code flap} connection is closed. */
  public static final long FLAP_CLOSE_MILLIS = 100;
  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
  private static final long JOIN_MILLIS = 5_000;
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** What the proxy does to connections; see the class comment. */
  public enum Mode { PASS, BLACKHOLE, RESET, REFUSE, REJECT, FLAP }

  /** One step of a schedule: from {@code atMillis} after t = 0, {@code mode}. */
  public record Step(long atMillis, Mode mode) {}

  /** A log line: {@code atMillis} after t = 0, connection {@code conn} (0 for the proxy itself). */
  public record Event(long atMillis, long conn, String what) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%9.3f  proxy conn %-4d %s", atMillis / 1000.0, conn, what);
    }
  }

  private final InetSocketAddress target;
  private final Consumer<Event> log;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService timers;
  private final ConcurrentLinkedQueue<Thread> threads = new ConcurrentLinkedQueue<>();
  private final AtomicLong connections = new AtomicLong();
  /** Guards mode, listener and closed; pumps held by a black hole wait on it. */
  private final Object lock = new Object();
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final int port;
  private Mode mode = Mode.PASS;
  /** Null while refusing. */
  private ServerSocket listener;
  private boolean closed;

  private FaultProxy(int port, InetSocketAddress target, Consumer<Event> log) throws IOException {
    this.target = target;
    this.log = log;
    this.listener = bind(port);
    this.port = listener.getLocalPort();
    AtomicInteger n = new AtomicInteger();
    this.timers = Executors.newSingleThreadScheduledExecutor(r -> named(r, "fault-proxy-timer-" + n.incrementAndGet()));
  }

  /**
   * Listens on loopback {@code port} (0 for a free one) and forwards to {@code target}, running
   * {@code schedule} from now (steps at 0 apply at once).
   */
  public static FaultProxy start(int port, InetSocketAddress target, List<Step> schedule,
      Consumer<Event> log) throws IOException {
    FaultProxy p = new FaultProxy(port, target, log);
    for (Step s : schedule) {
      long delay = s.atMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - p.startNanos);
      if (delay <= 0) {
        p.apply(s.mode());
      } else {
        p.timers.schedule(() -> p.apply(s.mode()), delay, TimeUnit.MILLISECONDS);
      }
    }
    p.spawn(p::acceptLoop, "fault-proxy-accept");
    return p;
  }

  /** Parses {@code seconds:mode,...}; seconds may have decimals and must not decrease. */
  public static List<Step> parse(String schedule) {
    List<Step> steps = new ArrayList<>();
    long last = 0;
    for (String part : schedule.split(",")) {
      String[] f = part.trim().split(":");
      if (f.length != 2) throw new IllegalArgumentException("not seconds:mode: '" + part + "'");
      long at = Math.round(Double.parseDouble(f[0]) * 1000);
      if (at < last) throw new IllegalArgumentException("schedule goes back in time at '" + part + "'");
      last = at;
      steps.add(new Step(at, Mode.valueOf(f[1].trim().toUpperCase(Locale.ROOT))));
    }
    return List.copyOf(steps);
  }

  public int port() {
    return port;
  }

  /** {@code System.nanoTime()} at t = 0 of the schedule. */
  public long startNanos() {
    return startNanos;
  }

  /** Switches to {@code next} now. */
  public void apply(Mode next) {
    List<Link> open;
    synchronized (lock) {
      if (closed) return;
      mode = next == Mode.RESET ? Mode.PASS : next;
      if (next == Mode.REFUSE) {
        closeQuietly(listener);
        listener = null;
      } else if (listener == null) {
        try {
          listener = bind(port);
        } catch (IOException e) {
          log(0, "cannot listen on " + port + " again: " + e);
        }
      }
      open = new ArrayList<>(links);
      lock.notifyAll();
    }
    log(0, "mode " + next.name().toLowerCase(Locale.ROOT));
    if (next == Mode.RESET || next == Mode.REFUSE || next == Mode.REJECT) {
      for (Link l : open) l.close(true, next.name().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Stops the schedule, resets every connection, stops listening and ends every thread. An
   * interrupt while waiting for the threads is kept (the flag is set again) and ends the wait.
   */
  @Override
  public void close() {
    List<Link> open;
    synchronized (lock) {
      if (closed) return;
      closed = true;
      closeQuietly(listener);
      listener = null;
      open = new ArrayList<>(links);
      lock.notifyAll();
    }
    timers.shutdownNow();
    for (Link l : open) l.close(true, "proxy closed");
    try {
      for (Thread t : threads) t.join(JOIN_MILLIS);
      timers.awaitTermination(JOIN_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (true) {
      ServerSocket ss;
      synchronized (lock) {
        while (!closed && listener == null) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) return;
        ss = listener;
      }
      Socket client;
      try {
        client = ss.accept();
      } catch (IOException e) {
        continue; // closed by refuse or close; the loop waits for the next listener
      }
      long id = connections.incrementAndGet();
      Mode now;
      synchronized (lock) {
        now = mode;
      }
      if (now == Mode.REJECT) {
        reset(client);
        log(id, "rejected (reset on accept)");
        continue;
      }
      Socket server = new Socket();
      try {
        server.setTcpNoDelay(true);
        client.setTcpNoDelay(true);
        server.connect(target, CONNECT_TIMEOUT_MILLIS);
      } catch (IOException e) {
        reset(client);
        closeQuietly(server);
        log(id, "upstream connect failed: " + e);
        continue;
      }
      Link link = new Link(id, client, server);
      links.add(link);
      log(id, "open " + client.getPort() + " (mode " + now.name().toLowerCase(Locale.ROOT) + ")");
      spawn(() -> link.pump(client, server, false), "fault-proxy-up-" + id);
      spawn(() -> link.pump(server, client, true), "fault-proxy-down-" + id);
    }
  }

  /** Waits while a black hole holds {@code link}; false once the link (or the proxy) is closed. */
  private boolean awaitForwarding(Link link) {
    synchronized (lock) {
      while (mode == Mode.BLACKHOLE && !closed && !link.closed.get()) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return !closed && !link.closed.get();
    }
  }

  private boolean flapping() {
    synchronized (lock) {
      return mode == Mode.FLAP;
    }
  }

  /** One proxied connection: the client's socket and ours to the server. */
  private final class Link {
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    final long id;
    final Socket client;
    final Socket server;
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicInteger pumpsDone = new AtomicInteger();
    /** Server-to-client pump only: how much of the head's "\r\n\r\n" has been matched. */
    private int headMatched;
    /** Server-to-client pump only: a byte past the HTTP response head has been forwarded. */
    private boolean framesStarted;

    Link(long id, Socket client, Socket server) {
      this.id = id;
      this.client = client;
      this.server = server;
    }

    void pump(Socket from, Socket to, boolean down) {
      byte[] buf = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        while (true) {
          int n = in.read(buf);
          if (!awaitForwarding(this)) return;
          if (n < 0) {
            to.shutdownOutput();
            if (pumpsDone.incrementAndGet() == 2) close(false, "both sides ended");
            return;
          }
          out.write(buf, 0, n);
          if (down && !framesStarted && (framesStarted = reachesFrames(buf, n)) && flapping()) {
            try {
              timers.schedule(() -> close(false, "flap: closed after the Welcome"), FLAP_CLOSE_MILLIS,
                  TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
              return; // the proxy is closing
            }
          }
        }
      } catch (IOException e) {
        if (!closed.get() && awaitForwarding(this)) close(true, (down ? "server->client: " : "client->server: ") + e.getMessage());
      }
    }

    /** Whether this chunk carries a byte past the HTTP response head (the first WebSocket frame). */
    private boolean reachesFrames(byte[] buf, int n) {
      for (int i = 0; i < n; i++) {
        if (headMatched == HEAD_END.length) return true;
        headMatched = buf[i] == HEAD_END[headMatched] ? headMatched + 1 : (buf[i] == '\r' ? 1 : 0);
      }
      return false; // the head may end with this chunk: the frame comes in the next
    }

    /** Closes both sockets, with a reset ({@code rst}) or a normal close; once. */
    void close(boolean rst, String why) {
      if (!closed.compareAndSet(false, true)) return;
      if (rst) {
        reset(client);
        reset(server);
      } else {
        closeQuietly(client);
        closeQuietly(server);
      }
      links.remove(this);
      synchronized (lock) {
        lock.notifyAll();
      }
      log(id, (rst ? "reset: " : "close: ") + why);
    }
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new InetSocketAddress(LOOPBACK, port), 1024);
    return ss;
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // already closed
    }
    closeQuietly(s);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) return;
    try {
      c.close();
    } catch (Exception ignored) {
      // closing is best effort
    }
  }

  private void log(long conn, String what) {
    log.accept(new Event(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), conn, what));
  }

  private void spawn(Runnable r, String name) {
    Thread t = named(r, name);
    threads.add(t);
    t.start();
    threads.removeIf(x -> !x.isAlive() && x != t);
  }

  private static Thread named(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: FaultProxy LISTEN_PORT TARGET_PORT SCHEDULE   (loopback; e.g. 0:pass,15:blackhole,75:pass)");
      System.exit(2);
    }
    FaultProxy p = start(Integer.parseInt(args[0]), new InetSocketAddress(LOOPBACK, Integer.parseInt(args[1])),
        parse(args[2]), System.out::println);
    System.out.println("fault proxy on " + p.port() + " -> " + args[1] + ", schedule " + args[2]);
    new java.util.concurrent.CountDownLatch(1).await();
  }
}
