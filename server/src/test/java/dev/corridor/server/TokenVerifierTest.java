package dev.corridor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.StateChange;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Envelope.KindCase;
import dev.corridor.proto.v1.Error;
import dev.corridor.proto.v1.ErrorCode;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.SubscriptionMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed tokens at the upgrade, over real sockets: HS256 with a shared secret, RS256 and ES256
 * with keys from a JWKS file; every bad token refused with the same 401 that never echoes it;
 * the token's topic grants enforced on subscribe and publish.
 */
class TokenVerifierTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final String AUDIENCE = "wss://feed.example.com";
  private static final String ISSUER = "https://auth.example.com";

  @TempDir
  Path dir;

  private ECKey ec;
  private RSAKey rsa;
  private CorridorServer server;

  @BeforeEach
  void start() throws Exception {
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(List.of(ec.toPublicJWK(), rsa.toPublicJWK())).toString());
    TokenVerifier verifier = TokenVerifier.builder().hmacSecret(SECRET).jwks(jwks)
        .issuer(ISSUER).audience(AUDIENCE).build();
    server = CorridorServer.builder().tokenVerifier(verifier).onPublish(p -> PublishHandler.accepted()).build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static JWTClaimsSet.Builder claims(long expiresInSeconds) {
    return new JWTClaimsSet.Builder().subject("user-7").issuer(ISSUER).audience(AUDIENCE)
        .expirationTime(new Date(System.currentTimeMillis() + expiresInSeconds * 1000));
  }

  private static String sign(JWTClaimsSet claims, JWSAlgorithm alg, String kid, JWSSigner signer) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static String hs256(JWTClaimsSet claims) throws Exception {
    return sign(claims, JWSAlgorithm.HS256, null, new MACSigner(SECRET));
  }

  private boolean accepted(String token) throws Exception {
    try (RawClient c = new RawClient(server.url(), "corridor.v1", token, null)) {
      CompletableFuture<Object> outcome = CompletableFuture.anyOf(c.opened, c.failedWithStatus);
      Object result = outcome.get(5, TimeUnit.SECONDS);
      if (result instanceof Integer status) {
        assertThat(status).as("the refusal's status").isEqualTo(401);
        return false;
      }
      return c.hello("c1").hasWelcome();
    }
  }

  @Test
  void acceptsTokensSignedWithTheSecretOrAKeyOfTheJwks() throws Exception {
    assertThat(accepted(hs256(claims(300).build()))).as("HS256").isTrue();
    assertThat(accepted(sign(claims(300).build(), JWSAlgorithm.ES256, "ec-1", new ECDSASigner(ec)))).as("ES256").isTrue();
    assertThat(accepted(sign(claims(300).build(), JWSAlgorithm.RS256, "rsa-1", new RSASSASigner(rsa)))).as("RS256").isTrue();
  }

  @Test
  void refusesExpiredUnsignedForgedAndMisdirectedTokens() throws Exception {
    assertThat(accepted(hs256(claims(-120).build()))).as("expired beyond the 60 s skew").isFalse();
    assertThat(accepted(new PlainJWT(claims(300).build()).serialize())).as("alg none").isFalse();
    byte[] other = "another-secret-another-secret-xx".getBytes(StandardCharsets.UTF_8);
    assertThat(accepted(sign(claims(300).build(), JWSAlgorithm.HS256, null, new MACSigner(other))))
        .as("signed with another secret").isFalse();
    ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    assertThat(accepted(sign(claims(300).build(), JWSAlgorithm.ES256, "ec-1", new ECDSASigner(stranger))))
        .as("a key not in the JWKS, under a known kid").isFalse();
    assertThat(accepted(hs256(claims(300).audience("wss://elsewhere").build()))).as("wrong audience").isFalse();
    assertThat(accepted(hs256(claims(300).issuer("https://evil.example").build()))).as("wrong issuer").isFalse();
    assertThat(accepted(hs256(claims(300).subject(null).build()))).as("no subject").isFalse();
    assertThat(accepted("not.a.jwt")).as("garbage").isFalse();
    assertThat(accepted(null)).as("no token").isFalse();
  }

  @Test
  void theRefusalNeverEchoesTheToken() throws Exception {
    String expired = hs256(claims(-3600).build());
    Request upgrade = new Request.Builder().url(server.url().replace("ws://", "http://"))
        .header("Connection", "Upgrade").header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13").header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .header("Sec-WebSocket-Protocol", "corridor.v1").header("Authorization", "Bearer " + expired).build();
    try (okhttp3.Response response = new OkHttpClient().newCall(upgrade).execute()) {
      String body = response.body().string();
      assertThat(response.code()).isEqualTo(401);
      assertThat(body).contains("invalid or expired token")
          .doesNotContain(expired).doesNotContain(expired.substring(0, expired.indexOf('.')));
    }
  }

  @Test
  void theTokensTopicGrantsAreEnforced() throws Exception {
    String token = hs256(claims(300).claim(TokenVerifier.TOPICS_CLAIM,
        Map.of("subscribe", List.of("quotes.*"), "publish", List.of("orders"))).build());
    try (RawClient c = new RawClient(server.url(), "corridor.v1", token, null)) {
      c.hello("c1");
      c.send(Envelope.newBuilder().setSubscribe(Subscribe.newBuilder().setTopic("quotes.AAPL")
          .setMode(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE)));
      assertThat(c.take().hasSubscribed()).isTrue();
      c.send(Envelope.newBuilder().setSubscribe(Subscribe.newBuilder().setTopic("payroll")
          .setMode(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE)));
      Error denied = c.take(KindCase.ERROR).getError();
      assertThat(denied.getCode()).isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);
      assertThat(denied.getTopic()).isEqualTo("payroll");
      assertThat(denied.getMessage()).isEqualTo("your token does not permit subscribing to payroll");

      c.send(Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(1).setTopic("orders")
          .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED).setPayload(ByteString.copyFromUtf8("buy"))));
      assertThat(c.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);
      c.send(Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(2).setTopic("quotes.AAPL")
          .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED).setPayload(ByteString.copyFromUtf8("fake"))));
      Error notYours = c.take(KindCase.ERROR).getError();
      assertThat(notYours.getCode()).isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);
      assertThat(notYours.getClientSequence()).isEqualTo(2);
    }
  }

  @Test
  void anotherTokensHolderCannotTakeOverAClientIdsSessionOrSequences() throws Exception {
    List<String> senders = new java.util.concurrent.CopyOnWriteArrayList<>();
    TokenVerifier verifier = TokenVerifier.builder().hmacSecret(SECRET).build();
    try (CorridorServer shared = CorridorServer.builder().tokenVerifier(verifier).onPublish(p -> {
      senders.add(p.subject() + "/" + p.clientId() + "#" + p.clientSequence());
      return PublishHandler.accepted();
    }).build()) {
      shared.start();
      String alice = hs256(new JWTClaimsSet.Builder().subject("alice")
          .expirationTime(new Date(System.currentTimeMillis() + 300_000)).build());
      String mallory = hs256(new JWTClaimsSet.Builder().subject("mallory")
          .expirationTime(new Date(System.currentTimeMillis() + 300_000)).build());
      try (RawClient a = new RawClient(shared.url(), "corridor.v1", alice, null)) {
        ByteString resume = a.hello("phone-1").getWelcome().getResumeToken();
        a.send(Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(1).setTopic("orders")
            .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED).setPayload(ByteString.copyFromUtf8("a"))));
        assertThat(a.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);
        try (RawClient m = new RawClient(shared.url(), "corridor.v1", mallory, null)) {
          var welcome = m.hello("phone-1", resume).getWelcome();
          assertThat(welcome.getResumed()).as("alice's session is not hers").isFalse();
          assertThat(welcome.getLastClientSequence()).as("nor alice's sequences").isZero();
          m.send(Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(2).setTopic("orders")
              .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED).setPayload(ByteString.copyFromUtf8("m"))));
          m.take(KindCase.PUBLISH_ACK);
        }
        a.send(Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(2).setTopic("orders")
            .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED).setPayload(ByteString.copyFromUtf8("a2"))));
        assertThat(a.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative())
            .as("alice's seq 2 is hers, not a duplicate of mallory's").isEqualTo(2);
      }
      assertThat(senders).containsExactly("alice/phone-1#1", "mallory/phone-1#2", "alice/phone-1#2");
    }
  }

  @Test
  void aResumedSessionKeepsOnlyTheSubscriptionsTheNewTokenGrants() throws Exception {
    String broad = hs256(claims(300).claim(TokenVerifier.TOPICS_CLAIM,
        Map.of("subscribe", List.of("premium.*", "free.*"))).build());
    String narrow = hs256(claims(300).claim(TokenVerifier.TOPICS_CLAIM,
        Map.of("subscribe", List.of("free.*"))).build());
    ByteString resume;
    try (RawClient c = new RawClient(server.url(), "corridor.v1", broad, null)) {
      resume = c.hello("c1").getWelcome().getResumeToken();
      c.send(Envelope.newBuilder().setSubscribe(Subscribe.newBuilder().setTopic("premium.a")
          .setMode(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE)));
      assertThat(c.take().hasSubscribed()).isTrue();
    }
    server.publish("premium.a", "", new byte[] {1});
    try (RawClient c = new RawClient(server.url(), "corridor.v1", narrow, null)) {
      c.hello("c1", resume, dev.corridor.proto.v1.TopicPosition.newBuilder().setTopic("premium.a")
          .setEpoch(1).setSequence(0).build());
      Error dropped = c.take().getError();
      assertThat(dropped.getCode()).isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);
      assertThat(dropped.getTopic()).isEqualTo("premium.a");
      server.publish("premium.a", "", new byte[] {2});
      assertThat(c.inbox.poll(300, TimeUnit.MILLISECONDS)).as("no replay, no delivery").isNull();
    }
  }

  @Test
  void aClientWithAnExpiredTokenConnectsWithTheFreshOneItIsAskedFor() throws Exception {
    String expired = hs256(claims(-3600).build());
    String fresh = hs256(claims(300).build());
    AtomicInteger asked = new AtomicInteger();
    CompletableFuture<StateChange> connected;
    CorridorClient client = CorridorClient.builder(server.url())
        .tokenProvider(forceRefresh -> {
          asked.incrementAndGet();
          return forceRefresh ? fresh : expired;
        }).build();
    try {
      connected = client.connect(10, TimeUnit.SECONDS);
      assertThat(connected.get(15, TimeUnit.SECONDS).current()).isEqualTo(ConnectionState.CONNECTED);
      assertThat(asked.get()).as("asked once, then once more with forceRefresh").isEqualTo(2);
    } finally {
      client.close();
    }
  }

  @Test
  void theBuilderRefusesWeakOrMissingKeysAndTwoKindsOfToken() {
    assertThatThrownBy(() -> TokenVerifier.builder().hmacSecret(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenVerifier.builder().build()).isInstanceOf(IllegalStateException.class);
    TokenVerifier verifier = TokenVerifier.builder().hmacSecret(SECRET).build();
    assertThatThrownBy(() -> CorridorServer.builder().bearerToken("x").tokenVerifier(verifier).build())
        .isInstanceOf(IllegalStateException.class);
  }
}
