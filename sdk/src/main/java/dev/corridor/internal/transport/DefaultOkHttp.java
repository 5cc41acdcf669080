package dev.corridor.internal.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The OkHttp client Corridor uses when the application does not pass its own. It differs from
 * {@code new OkHttpClient()} where a long-lived, latency-sensitive WebSocket needs it to:
 *
 * <ul>
 *   <li>No dispatcher limits. OkHttp counts an open WebSocket as a running call for its whole
 *       life, so its default limit of 64 calls would leave the 65th client of a process waiting
 *       for ever (measured: 100 sockets opened, 64 open, 36 queued). Dispatcher threads are
 *       daemons, so an idle client does not keep a JVM alive.
 *   <li>No read or write timeout. After the upgrade, liveness is the heartbeat's job (a dead link
 *       is detected within interval + pong timeout), and the handshake has its own timeout;
 *       OkHttp's 10 s timeouts would only add a watchdog to every socket read and write.
 *   <li>{@code TCP_NODELAY}: OkHttp writes each frame whole, so Nagle's algorithm can only delay
 *       small messages, never merge anything useful.
 * </ul>
 *
 * The connect timeout stays at OkHttp's 10 s. docs/defaults.md has the measurements.
 */
public final class DefaultOkHttp {
  private DefaultOkHttp() {}

  private static final class Holder {
    static final OkHttpClient CLIENT = build();
  }

  public static OkHttpClient client() {
    return Holder.CLIENT;
  }

  private static OkHttpClient build() {
    AtomicInteger n = new AtomicInteger();
    Dispatcher dispatcher = new Dispatcher(new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
        new SynchronousQueue<Runnable>(), r -> {
          Thread t = new Thread(r, "corridor-okhttp-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }));
    dispatcher.setMaxRequests(Integer.MAX_VALUE);
    dispatcher.setMaxRequestsPerHost(Integer.MAX_VALUE);
    return new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .readTimeout(0, TimeUnit.MILLISECONDS)
        .writeTimeout(0, TimeUnit.MILLISECONDS)
        .socketFactory(new NoDelaySocketFactory())
        .build();
  }

  /** Plain sockets with {@code TCP_NODELAY} set; OkHttp creates them unconnected. */
  public static final class NoDelaySocketFactory extends SocketFactory {
    private final SocketFactory delegate = SocketFactory.getDefault();

    @Override
    public Socket createSocket() throws IOException {
      return noDelay(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }

    private static Socket noDelay(Socket s) throws IOException {
      s.setTcpNoDelay(true);
      return s;
    }
  }
}
