package dev.corridor.server.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.Error;
import dev.corridor.proto.v1.Subscribe;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The state of several nodes in one Redis (5.0 or later; 6.2 or later for age trimming). Per topic
 * a hash holds its epoch and last sequence and a stream holds its history, entry id {@code
 * <sequence>-0}: a Lua script takes the next sequence and adds the entry in one step, trimmed by
 * count and age, so every node appends to one sequence. Each node tails the streams its clients
 * subscribe to with one blocking XREAD on a connection of its own. Sessions and each client's
 * publish ledger are hashes too; a claim names the node handling it, and a node's claims lapse
 * when its liveness key (refreshed every second, gone three seconds after the node) does.
 *
 * <p>While Redis cannot be reached every call fails at once with {@link Unavailable} (commands are
 * rejected, not queued); the connections come back by themselves, and the tail resumes from where
 * it was.
 *
 * <p>Keys, under the prefix: {@code t:<topic>} (epoch, seq), {@code x:<topic>} (the stream),
 * {@code s:<token>} (a session), {@code c:<client key>} (a ledger), {@code n:<node>} (liveness),
 * {@code w:<node>} (wakes the node's tail).
 */
public final class RedisBackplane implements Backplane {
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
  /** The tail's XREAD blocks at most this long, well within the command timeout. */
  private static final int BLOCK_MILLIS = 1_000;
  private static final long NODE_TTL_MILLIS = 3_000;
  private static final long SESSION_TTL_MILLIS = TimeUnit.DAYS.toMillis(1);
  private static final long LEDGER_TTL_MILLIS = TimeUnit.DAYS.toMillis(7);

  private static final String LIB = """
      local function epochOf(meta, seed)
        local epoch = redis.call('HGET', meta, 'epoch')
        if not epoch then
          epoch = seed
          redis.call('HSET', meta, 'epoch', epoch)
        end
        return epoch
      end
      local function position(meta, stream, seed)
        local epoch = epochOf(meta, seed)
        local last = tonumber(redis.call('HGET', meta, 'seq') or '0')
        local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
        local oldest = last + 1
        if #first > 0 then oldest = tonumber(string.match(first[1][1], '^(%d+)')) end
        return epoch, last + 1, oldest
      end
      local function append(meta, stream, k, p, now, maxlen, mints, seed)
        local epoch = epochOf(meta, seed)
        local seq = redis.call('HINCRBY', meta, 'seq', 1)
        redis.call('XADD', stream, 'MAXLEN', maxlen, seq .. '-0', 'k', k, 'p', p, 't', now, 'e', epoch)
        mints = tonumber(mints)
        if mints > 0 then
          local cut = nil
          for _, entry in ipairs(redis.call('XRANGE', stream, '-', '+', 'COUNT', 100)) do
            local fields, t = entry[2], nil
            for j = 1, #fields, 2 do if fields[j] == 't' then t = tonumber(fields[j + 1]) end end
            if t >= mints then break end
            cut = tonumber(string.match(entry[1], '^(%d+)'))
          end
          if cut then redis.call('XTRIM', stream, 'MINID', (cut + 1) .. '-0') end
        end
        return {epoch, seq}
      end
      local function settle(c, seqText, rej, window, ttl)
        local seq = tonumber(seqText)
        redis.call('HDEL', c, 'p:' .. seqText)
        local done = tonumber(redis.call('HGET', c, 'done') or '0')
        if seq > done and redis.call('HSETNX', c, 'd:' .. seqText, '1') == 1 then
          redis.call('HINCRBY', c, 'dn', 1)
        end
        if rej ~= '' and redis.call('HSETNX', c, 'r:' .. seqText, rej) == 1 then
          if redis.call('HINCRBY', c, 'rn', 1) > 1000 then
            local low = nil
            for _, f in ipairs(redis.call('HKEYS', c)) do
              local s = tonumber(string.match(f, '^r:(%d+)$') or '')
              if s and (not low or s < low) then low = s end
            end
            redis.call('HDEL', c, 'r:' .. low)
            redis.call('HINCRBY', c, 'rn', -1)
          end
        end
        local function advance()
          while redis.call('HDEL', c, 'd:' .. (done + 1)) == 1 do
            done = done + 1
            redis.call('HINCRBY', c, 'dn', -1)
          end
        end
        advance()
        if tonumber(redis.call('HGET', c, 'dn') or '0') > tonumber(window) then
          -- A hole that never fills: give up on it.
          local low = nil
          for _, f in ipairs(redis.call('HKEYS', c)) do
            local s = tonumber(string.match(f, '^d:(%d+)$') or '')
            if s and (not low or s < low) then low = s end
          end
          if low then
            done = low - 1
            advance()
          end
        end
        redis.call('HSET', c, 'done', done)
        redis.call('PEXPIRE', c, ttl)
        return done
      end
      """;

  /** KEYS meta, stream; ARGV key, payload, now, maxlen, min timestamp (0: none), epoch seed. */
  private static final Script APPEND = new Script(LIB
      + "return append(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])");
  /** KEYS meta, stream; ARGV epoch seed. */
  private static final Script POSITION = new Script(LIB + """
      local epoch, nextSeq, oldest = position(KEYS[1], KEYS[2], ARGV[1])
      return {epoch, nextSeq, oldest}
      """);
  /** KEYS meta, stream; ARGV epoch, sequence, epoch seed. */
  private static final Script READ = new Script(LIB + """
      local epoch, nextSeq, oldest = position(KEYS[1], KEYS[2], ARGV[3])
      local after = tonumber(ARGV[2])
      local continuous = epoch == ARGV[1] and after + 1 >= oldest and after < nextSeq
      local from = '-'
      if continuous then from = (after + 1) .. '-0' end
      return {epoch, nextSeq, oldest, continuous and 1 or 0, redis.call('XRANGE', KEYS[2], from, '+')}
      """);
  /** KEYS ledger; ARGV sequence, claim token (node|n), node key prefix, ttl, node. */
  private static final Script CLAIM = new Script("""
      local c, seqText = KEYS[1], ARGV[1]
      local done = tonumber(redis.call('HGET', c, 'done') or '0')
      if tonumber(seqText) <= done or redis.call('HEXISTS', c, 'd:' .. seqText) == 1 then
        return {1, done, redis.call('HGET', c, 'r:' .. seqText) or '', 0}
      end
      local owner = redis.call('HGET', c, 'p:' .. seqText)
      if owner then
        local ownerNode = string.match(owner, '^([^|]+)')
        if ownerNode == ARGV[5] then return {2, done, '', 0} end
        if redis.call('EXISTS', ARGV[3] .. ownerNode) == 1 then return {2, done, '', 1} end
      end
      redis.call('HSET', c, 'p:' .. seqText, ARGV[2])
      redis.call('PEXPIRE', c, ARGV[4])
      return {0, done, '', 0}
      """);
  /** KEYS ledger; ARGV sequence, rejection ('' for none), window, ttl. */
  private static final Script COMPLETE = new Script(LIB
      + "return settle(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])");
  /** KEYS meta, stream, ledger; ARGV key, payload, now, maxlen, min timestamp, seed, sequence, window, ttl. */
  private static final Script APPEND_AND_COMPLETE = new Script(LIB + """
      local c = KEYS[3]
      local seqText = ARGV[7]
      local done = tonumber(redis.call('HGET', c, 'done') or '0')
      if tonumber(seqText) <= done or redis.call('HEXISTS', c, 'd:' .. seqText) == 1 then return done end
      append(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
      return settle(c, seqText, '', ARGV[8], ARGV[9])
      """);
  /** KEYS ledger; ARGV node key prefix. Claims of nodes that are gone are voided. */
  private static final Script LEDGER = new Script("""
      local c = KEYS[1]
      local done = tonumber(redis.call('HGET', c, 'done') or '0')
      local low, pending = 0, 0
      local all = redis.call('HGETALL', c)
      for i = 1, #all, 2 do
        local f = all[i]
        local r = tonumber(string.match(f, '^r:(%d+)$') or '')
        if r and (low == 0 or r < low) then low = r end
        if string.match(f, '^p:%d+$') then
          if redis.call('EXISTS', ARGV[1] .. string.match(all[i + 1], '^([^|]+)')) == 1 then pending = pending + 1
          else redis.call('HDEL', c, f) end
        end
      end
      return {done, low, pending}
      """);
  /** KEYS ledger; ARGV sequence, claim token. */
  private static final Script RELEASE = new Script("""
      if redis.call('HGET', KEYS[1], 'p:' .. ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], 'p:' .. ARGV[1]) end
      return 0
      """);

  private final RedisURI uri;
  private final String prefix;
  private final ServerSettings config;
  private final ScheduledExecutorService timers;
  private final String node;
  private final byte[] nodeKey;
  private final byte[] wakeKey;
  /** Watched topics: the tail's cursor in each (the last sequence told, in its epoch). */
  private final Map<String, Cursor> watched = new ConcurrentHashMap<>();
  /** Numbers this node's claims, so that a claim given back is that one and no later one. */
  private final java.util.concurrent.atomic.AtomicLong claims = new java.util.concurrent.atomic.AtomicLong();
  private volatile Listener listener = d -> { };
  private volatile boolean running;

  // Set by connect().
  private ClientResources resources;
  private RedisClient client;
  private StatefulRedisConnection<byte[], byte[]> connection;
  private StatefulRedisConnection<byte[], byte[]> tailConnection;
  private RedisCommands<byte[], byte[]> redis;
  private Thread tail;
  private ScheduledFuture<?> liveness;

  private record Cursor(long epoch, long sequence) {}

  public RedisBackplane(String redisUri, String prefix, ServerSettings config, ScheduledExecutorService timers) {
    this.uri = RedisURI.create(redisUri);
    this.prefix = prefix + ":";
    this.config = config;
    this.timers = timers;
    byte[] raw = new byte[8];
    new SecureRandom().nextBytes(raw);
    this.node = HexFormat.of().formatHex(raw);
    this.nodeKey = key("n:" + node);
    this.wakeKey = key("w:" + node);
  }

  /** This node's id in Redis (its claims and liveness key). */
  public String node() {
    return node;
  }

  @Override
  public synchronized void start(Listener listener) {
    this.listener = listener;
  }

  /**
   * Connects to Redis and starts this node's liveness key and tail.
   *
   * @throws IOException if Redis cannot be reached
   */
  @Override
  public synchronized void connect() throws IOException {
    if (running) return;
    resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
        .reconnectDelay(Delay.constant(Duration.ofMillis(200))).build();
    client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder().autoReconnect(true)
        // While disconnected a command fails at once instead of waiting in a queue: work is
        // refused with a retry hint rather than acknowledged late or never.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT)).build());
    try {
      connection = client.connect(ByteArrayCodec.INSTANCE);
      tailConnection = client.connect(ByteArrayCodec.INSTANCE);
    } catch (RedisException e) {
      shutdownClient();
      throw new IOException("Redis at " + uri.getHost() + ":" + uri.getPort() + " cannot be reached", e);
    }
    redis = connection.sync();
    redis.set(nodeKey, bytes("1"), SetArgs.Builder.px(NODE_TTL_MILLIS));
    running = true;
    liveness = timers.scheduleWithFixedDelay(() -> connection.async()
        .set(nodeKey, bytes("1"), SetArgs.Builder.px(NODE_TTL_MILLIS)), 1_000, 1_000, TimeUnit.MILLISECONDS);
    tail = new Thread(this::tailLoop, "corridor-redis-tail-" + node);
    tail.setDaemon(true);
    tail.start();
  }

  @Override
  public synchronized void close() {
    if (!running) return;
    running = false;
    liveness.cancel(false);
    try {
      // This node's claims lapse now rather than in NODE_TTL_MILLIS.
      redis.del(nodeKey, wakeKey);
    } catch (RedisException ignored) {
      // It lapses by itself.
    }
    tail.interrupt();
    shutdownClient();
    try {
      tail.join(COMMAND_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void shutdownClient() {
    if (client != null) client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    if (resources != null) resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  @Override
  public Deliver append(String topic, String key, ByteString payload, long nowMillis) {
    List<Object> r = eval(APPEND, keys(key("t:" + topic), key("x:" + topic)), bytes(key), payload.toByteArray(),
        number(nowMillis), number(config.historySize()), number(minTimestamp(nowMillis)), number(nowMillis));
    return Deliver.newBuilder().setTopic(topic).setEpoch(longOf(r.get(0))).setSequence(longOf(r.get(1)))
        .setKey(key).setPayload(payload).setTimestampMs(nowMillis).build();
  }

  @Override
  public Position position(String topic) {
    List<Object> r = eval(POSITION, keys(key("t:" + topic), key("x:" + topic)), number(System.currentTimeMillis()));
    return new Position(longOf(r.get(0)), longOf(r.get(1)), longOf(r.get(2)));
  }

  @Override
  public History read(String topic, long epoch, long sequence) {
    List<Object> r = eval(READ, keys(key("t:" + topic), key("x:" + topic)), number(epoch), number(sequence),
        number(System.currentTimeMillis()));
    long at = longOf(r.get(0));
    List<Deliver> messages = new ArrayList<>();
    for (Object entry : (List<?>) r.get(4)) {
      List<?> e = (List<?>) entry;
      messages.add(deliver(topic, text((byte[]) e.get(0)), fields((List<?>) e.get(1))));
    }
    return new History(new Position(at, longOf(r.get(1)), longOf(r.get(2))), longOf(r.get(3)) == 1, messages);
  }

  @Override
  public void watch(String topic, long epoch, long sequence) {
    watched.merge(topic, new Cursor(epoch, sequence),
        (was, now) -> was.epoch() == now.epoch() && was.sequence() <= now.sequence() ? was : now);
    if (running) {
      // Wakes the tail's blocking read so that it reads this stream too; if it fails, the tail
      // picks the topic up within BLOCK_MILLIS anyway.
      connection.async().xadd(wakeKey, XAddArgs.Builder.maxlen(10), Map.of(bytes("w"), bytes("1")));
    }
  }

  @Override
  public void unwatch(String topic) {
    watched.remove(topic);
  }

  @Override
  public @Nullable StoredSession session(String token) {
    Map<byte[], byte[]> all = call(() -> redis.hgetall(key("s:" + token)));
    String clientKey = null;
    Map<String, Subscribe> subscriptions = new LinkedHashMap<>();
    for (Map.Entry<byte[], byte[]> e : all.entrySet()) {
      String field = text(e.getKey());
      if (field.equals("key")) {
        clientKey = text(e.getValue());
      } else if (field.startsWith("s:")) {
        try {
          subscriptions.put(field.substring(2), Subscribe.parseFrom(e.getValue()));
        } catch (InvalidProtocolBufferException ignored) {
          // Not ours: left out.
        }
      }
    }
    if (clientKey == null) return null;
    call(() -> redis.pexpire(key("s:" + token), SESSION_TTL_MILLIS));
    return new StoredSession(clientKey, subscriptions);
  }

  @Override
  public void createSession(String token, String clientKey) {
    byte[] k = key("s:" + token);
    call(() -> redis.hset(k, bytes("key"), bytes(clientKey)));
    call(() -> redis.pexpire(k, SESSION_TTL_MILLIS));
  }

  @Override
  public void subscribed(String token, Subscribe subscribe) {
    call(() -> redis.hset(key("s:" + token), bytes("s:" + subscribe.getTopic()), subscribe.toByteArray()));
  }

  @Override
  public void unsubscribed(String token, String topic) {
    call(() -> redis.hdel(key("s:" + token), bytes("s:" + topic)));
  }

  @Override
  public Ledger ledger(String clientKey) {
    List<Object> r = eval(LEDGER, keys(key("c:" + clientKey)), bytes(prefix + "n:"));
    return new Ledger(longOf(r.get(0)), longOf(r.get(1)), longOf(r.get(2)) > 0);
  }

  @Override
  public Claim claim(String clientKey, long sequence) {
    String token = node + "|" + claims.incrementAndGet();
    List<Object> r;
    try {
      r = eval(CLAIM, keys(key("c:" + clientKey)), number(sequence), bytes(token), bytes(prefix + "n:"),
          number(LEDGER_TTL_MILLIS), bytes(node));
    } catch (Unavailable e) {
      // It may have run in Redis all the same (a timeout): give it back once Redis answers.
      releaseLater(clientKey, sequence, token);
      throw e;
    }
    Claimed state = switch ((int) longOf(r.get(0))) {
      case 0 -> Claimed.NEW;
      case 1 -> Claimed.SETTLED;
      default -> Claimed.PENDING;
    };
    byte[] rejection = (byte[]) r.get(2);
    Error error = null;
    if (rejection.length > 0) {
      try {
        error = Error.parseFrom(rejection);
      } catch (InvalidProtocolBufferException ignored) {
        // Not ours: answered as accepted.
      }
    }
    return new Claim(state, longOf(r.get(1)), error, token, longOf(r.get(3)) == 1);
  }

  private void releaseLater(String clientKey, long sequence, String token) {
    if (!running) return;
    timers.schedule(() -> {
      try {
        release(clientKey, sequence, token);
      } catch (Unavailable again) {
        releaseLater(clientKey, sequence, token);
      }
    }, 200, TimeUnit.MILLISECONDS);
  }

  @Override
  public long complete(String clientKey, long sequence, @Nullable Error rejection) {
    Object done = evalValue(COMPLETE, keys(key("c:" + clientKey)), number(sequence),
        rejection == null ? new byte[0] : rejection.toByteArray(), number(config.dedupeWindow()),
        number(LEDGER_TTL_MILLIS));
    return longOf(done);
  }

  @Override
  public long appendAndComplete(String clientKey, long sequence, String topic, String key, ByteString payload,
      long nowMillis) {
    Object done = evalValue(APPEND_AND_COMPLETE, keys(key("t:" + topic), key("x:" + topic), key("c:" + clientKey)),
        bytes(key), payload.toByteArray(), number(nowMillis), number(config.historySize()),
        number(minTimestamp(nowMillis)), number(nowMillis), number(sequence), number(config.dedupeWindow()),
        number(LEDGER_TTL_MILLIS));
    return longOf(done);
  }

  @Override
  public void release(String clientKey, long sequence, String token) {
    evalValue(RELEASE, keys(key("c:" + clientKey)), number(sequence), bytes(token));
  }

  @Override
  public void trimHistories(int keep) {
    for (byte[] stream : scan(prefix + "x:*")) call(() -> redis.xtrim(stream, keep));
  }

  @Override
  public void loseState() {
    for (byte[] k : scan(prefix + "*")) {
      if (!java.util.Arrays.equals(k, nodeKey)) call(() -> redis.del(k));
    }
    // The streams start again at 1: the tail reads them from there.
    watched.replaceAll((topic, cursor) -> new Cursor(0, 0));
  }

  private List<byte[]> scan(String pattern) {
    List<byte[]> found = new ArrayList<>();
    ScanCursor at = ScanCursor.INITIAL;
    do {
      ScanCursor from = at;
      KeyScanCursor<byte[]> page = call(() -> redis.scan(from, ScanArgs.Builder.matches(pattern).limit(500)));
      found.addAll(page.getKeys());
      at = page;
    } while (!at.isFinished());
    return found;
  }

  /** The tail: one blocking read over every watched stream (and this node's wake stream) at a time. */
  private void tailLoop() {
    RedisCommands<byte[], byte[]> reader = tailConnection.sync();
    String wakeId = "0-0";
    boolean resync = false;
    while (running) {
      try {
        if (resync) {
          resync();
          resync = false;
        }
        List<XReadArgs.StreamOffset<byte[]>> offsets = new ArrayList<>();
        offsets.add(XReadArgs.StreamOffset.from(wakeKey, wakeId));
        for (Map.Entry<String, Cursor> e : watched.entrySet()) {
          offsets.add(XReadArgs.StreamOffset.from(key("x:" + e.getKey()), e.getValue().sequence() + "-0"));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        XReadArgs.StreamOffset<byte[]>[] all = offsets.toArray(new XReadArgs.StreamOffset[0]);
        List<StreamMessage<byte[], byte[]>> messages =
            reader.xread(XReadArgs.Builder.block(BLOCK_MILLIS).count(1_000), all);
        for (StreamMessage<byte[], byte[]> m : messages) {
          String stream = text(m.getStream());
          if (java.util.Arrays.equals(m.getStream(), wakeKey)) {
            wakeId = m.getId();
            continue;
          }
          String topic = stream.substring(prefix.length() + 2);
          Deliver d = deliver(topic, m.getId(), m.getBody());
          Cursor at = watched.get(topic);
          if (at == null) continue; // unwatched meanwhile
          if (at.epoch() != 0 && d.getEpoch() != at.epoch()) {
            // Read from a cursor of an earlier epoch: its first messages may be behind the cursor.
            watched.replace(topic, at, new Cursor(d.getEpoch(), 0));
            continue;
          }
          watched.replace(topic, at, new Cursor(d.getEpoch(), d.getSequence()));
          try {
            listener.appended(d);
          } catch (RuntimeException e) {
            // The engine's fault, not the stream's: the tail goes on.
          }
        }
      } catch (RuntimeException e) { // Redis away (or a reply not expected): the tail outlives it
        if (!running) return;
        resync = true;
        sleep(200);
      }
    }
  }

  /** After an outage: a stream whose epoch changed (Redis lost it) is read again from its start. */
  private void resync() {
    for (Map.Entry<String, Cursor> e : watched.entrySet()) {
      Position p = position(e.getKey());
      Cursor c = e.getValue();
      if (p.epoch() != c.epoch() || p.nextSequence() - 1 < c.sequence()) {
        watched.replace(e.getKey(), c, new Cursor(p.epoch(), 0));
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long minTimestamp(long nowMillis) {
    long age = config.historyAgeMillis();
    return age <= 0 || age >= nowMillis ? 0 : nowMillis - age;
  }

  private static Deliver deliver(String topic, String id, Map<byte[], byte[]> fields) {
    Deliver.Builder d = Deliver.newBuilder().setTopic(topic)
        .setSequence(Long.parseLong(id.substring(0, id.indexOf('-'))));
    for (Map.Entry<byte[], byte[]> f : fields.entrySet()) {
      switch (text(f.getKey())) {
        case "k" -> d.setKey(text(f.getValue()));
        case "p" -> d.setPayload(ByteString.copyFrom(f.getValue()));
        case "t" -> d.setTimestampMs(Long.parseLong(text(f.getValue())));
        case "e" -> d.setEpoch(Long.parseLong(text(f.getValue())));
        default -> { }
      }
    }
    return d.build();
  }

  /** A stream entry's fields as a script returns them: name, value, name, value... */
  private static Map<byte[], byte[]> fields(List<?> flat) {
    Map<byte[], byte[]> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) out.put((byte[]) flat.get(i), (byte[]) flat.get(i + 1));
    return out;
  }

  private List<Object> eval(Script script, byte[][] keys, byte[]... args) {
    return call(() -> {
      try {
        return redis.evalsha(script.sha, ScriptOutputType.MULTI, keys, args);
      } catch (RedisNoScriptException e) { // Redis restarted: it no longer has the script
        return redis.eval(script.body, ScriptOutputType.MULTI, keys, args);
      }
    });
  }

  private Object evalValue(Script script, byte[][] keys, byte[]... args) {
    return call(() -> {
      try {
        return redis.evalsha(script.sha, ScriptOutputType.INTEGER, keys, args);
      } catch (RedisNoScriptException e) {
        return redis.eval(script.body, ScriptOutputType.INTEGER, keys, args);
      }
    });
  }

  private <T> T call(java.util.function.Supplier<T> command) {
    if (!running) throw new Unavailable("not connected to Redis", null);
    try {
      return command.get();
    } catch (RedisException e) {
      throw new Unavailable("Redis: " + e.getMessage(), e);
    }
  }

  private static long longOf(Object value) {
    if (value instanceof Long l) return l;
    if (value instanceof byte[] b) return Long.parseLong(text(b));
    throw new IllegalStateException("unexpected reply: " + value);
  }

  private byte[] key(String name) {
    return bytes(prefix + name);
  }

  private static byte[][] keys(byte[]... keys) {
    return keys;
  }

  private static byte[] number(long n) {
    return bytes(Long.toString(n));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** A Lua script and its SHA-1, for EVALSHA. */
  private static final class Script {
    final String body;
    final String sha;

    Script(String body) {
      this.body = body;
      try {
        this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
            .digest(body.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
