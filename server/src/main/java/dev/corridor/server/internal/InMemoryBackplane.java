package dev.corridor.server.internal;

import com.google.protobuf.ByteString;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.Error;
import dev.corridor.proto.v1.Subscribe;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One node's state in its own memory: the embedded default. It shares the engine's lock, so an
 * append and its delivery to the subscribers are one step, in order.
 */
public final class InMemoryBackplane implements Backplane {
  /** Rejections remembered per client (see {@link Ledger#lowestRejection}). */
  static final int REMEMBERED_REJECTIONS = 1_000;

  private final Object lock;
  private final ServerSettings config;
  private Listener listener = d -> { };

  // Guarded by lock.
  private final Map<String, TopicLog> topics = new HashMap<>();
  private final Map<String, StoredSession> sessions = new HashMap<>();
  private final Map<String, ClientSequences> completed = new HashMap<>();
  private final Map<String, Set<Long>> pending = new HashMap<>();
  private final Map<String, TreeMap<Long, Error>> rejections = new HashMap<>();
  private long epochBase = 1;

  public InMemoryBackplane(Object lock, ServerSettings config) {
    this.lock = lock;
    this.config = config;
  }

  @Override
  public void start(Listener listener) {
    synchronized (lock) {
      this.listener = listener;
    }
  }

  @Override
  public void close() {}

  @Override
  public Deliver append(String topic, String key, ByteString payload, long nowMillis) {
    synchronized (lock) {
      Deliver d = topic(topic).append(key, payload, nowMillis, config.historySize(), config.historyAgeMillis());
      listener.appended(d);
      return d;
    }
  }

  @Override
  public Position position(String topic) {
    synchronized (lock) {
      TopicLog log = topic(topic);
      return new Position(log.epoch(), log.nextSequence(), log.oldestSequence());
    }
  }

  @Override
  public History read(String topic, long epoch, long sequence) {
    synchronized (lock) {
      TopicLog log = topic(topic);
      Position at = new Position(log.epoch(), log.nextSequence(), log.oldestSequence());
      boolean continuous = log.canReplayAfter(epoch, sequence);
      return new History(at, continuous, log.after(continuous ? sequence : 0, false));
    }
  }

  @Override
  public void watch(String topic, long epoch, long sequence) {
    // Every append is told at once, under the shared lock; only what came between the caller's
    // position and now is told again here.
    synchronized (lock) {
      TopicLog log = topic(topic);
      if (log.epoch() != epoch) return;
      for (Deliver d : log.after(sequence, false)) listener.appended(d);
    }
  }

  @Override
  public void unwatch(String topic) {}

  @Override
  public @Nullable StoredSession session(String token) {
    synchronized (lock) {
      StoredSession s = sessions.get(token);
      return s == null ? null : new StoredSession(s.clientKey(), new LinkedHashMap<>(s.subscriptions()));
    }
  }

  @Override
  public void createSession(String token, String clientKey) {
    synchronized (lock) {
      sessions.put(token, new StoredSession(clientKey, new LinkedHashMap<>()));
    }
  }

  @Override
  public void subscribed(String token, Subscribe subscribe) {
    synchronized (lock) {
      StoredSession s = sessions.get(token);
      if (s != null) s.subscriptions().put(subscribe.getTopic(), subscribe);
    }
  }

  @Override
  public void unsubscribed(String token, String topic) {
    synchronized (lock) {
      StoredSession s = sessions.get(token);
      if (s != null) s.subscriptions().remove(topic);
    }
  }

  @Override
  public Ledger ledger(String clientKey) {
    synchronized (lock) {
      TreeMap<Long, Error> rejected = rejections.get(clientKey);
      Set<Long> handling = pending.get(clientKey);
      return new Ledger(done(clientKey).cumulative, rejected == null || rejected.isEmpty() ? 0 : rejected.firstKey(),
          handling != null && !handling.isEmpty());
    }
  }

  @Override
  public Claim claim(String clientKey, long sequence) {
    synchronized (lock) {
      ClientSequences done = done(clientKey);
      if (done.isSettled(sequence)) {
        TreeMap<Long, Error> rejected = rejections.get(clientKey);
        return new Claim(Claimed.SETTLED, done.cumulative, rejected == null ? null : rejected.get(sequence), "", false);
      }
      if (!pending.computeIfAbsent(clientKey, k -> new HashSet<>()).add(sequence)) {
        return new Claim(Claimed.PENDING, done.cumulative, null, "", false);
      }
      return new Claim(Claimed.NEW, done.cumulative, null, "", false);
    }
  }

  @Override
  public long complete(String clientKey, long sequence, @Nullable Error rejection) {
    synchronized (lock) {
      release(clientKey, sequence, "");
      ClientSequences done = done(clientKey);
      done.settle(sequence, config.dedupeWindow());
      if (rejection != null) {
        TreeMap<Long, Error> rejected = rejections.computeIfAbsent(clientKey, k -> new TreeMap<>());
        rejected.put(sequence, rejection);
        if (rejected.size() > REMEMBERED_REJECTIONS) rejected.pollFirstEntry();
      }
      return done.cumulative;
    }
  }

  @Override
  public long appendAndComplete(String clientKey, long sequence, String topic, String key, ByteString payload,
      long nowMillis) {
    synchronized (lock) {
      append(topic, key, payload, nowMillis);
      return complete(clientKey, sequence, null);
    }
  }

  @Override
  public void release(String clientKey, long sequence, String token) {
    synchronized (lock) {
      Set<Long> handling = pending.get(clientKey);
      if (handling != null && handling.remove(sequence) && handling.isEmpty()) pending.remove(clientKey);
    }
  }

  @Override
  public void trimHistories(int keep) {
    synchronized (lock) {
      for (TopicLog log : topics.values()) log.trim(keep, Long.MIN_VALUE);
    }
  }

  @Override
  public void loseState() {
    synchronized (lock) {
      sessions.clear();
      completed.clear();
      rejections.clear();
      epochBase++;
      for (TopicLog log : topics.values()) log.newEpoch(epochBase);
    }
  }

  private ClientSequences done(String clientKey) {
    return completed.computeIfAbsent(clientKey, k -> new ClientSequences());
  }

  private TopicLog topic(String name) {
    return topics.computeIfAbsent(name, t -> new TopicLog(t, epochBase));
  }
}
