package dev.corridor.server;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.corridor.server.internal.TopicGrants;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Verifies the signed tokens (JWT) clients present at the WebSocket upgrade, in {@code
 * Authorization: Bearer ...} (the Corridor client's {@code TokenProvider} sends them there), with
 * nimbus-jose-jwt. A token is accepted when
 *
 * <ul>
 *   <li>it is signed, with HS256 by the shared secret or with RS256 or ES256 by a key of the
 *       JWKS file (found by the token's {@code kid}); unsigned ({@code alg: none}) tokens are
 *       refused;
 *   <li>it has a subject ({@code sub}) and an expiry ({@code exp}) that has not passed (give or
 *       take the clock skew, 60 s by default), and {@code nbf}, if present, has come;
 *   <li>its issuer and audience are the ones configured, if any are.
 * </ul>
 *
 * <p>Anything else is refused with HTTP 401 and a body that says only "invalid or expired
 * token": the token itself is never logged, echoed or put in an error. The client's {@code
 * TokenProvider} is then asked for a fresh token.
 *
 * <p><b>Topic permissions.</b> A token may carry a claim {@code corridor_topics}: {@code
 * {"subscribe": ["quotes.*", "news"], "publish": ["orders"]}}. An entry ending in {@code *} grants
 * every topic with that prefix; any other, that topic alone. When the claim is present, a
 * Subscribe, ReplayRequest or Publish to a topic it does not grant is refused as FORBIDDEN before
 * the application's {@link TopicPolicy} is asked; when it is absent, the token restricts no topic.
 */
public final class TokenVerifier {
  /** The claim that lists the topics a token grants. */
  public static final String TOPICS_CLAIM = "corridor_topics";

  private final DefaultJWTProcessor<SecurityContext> processor;

  private TokenVerifier(Builder b) {
    List<JWK> keys = new ArrayList<>(b.keys);
    Set<JWSAlgorithm> algorithms = new HashSet<>();
    if (b.secret != null) {
      keys.add(new OctetSequenceKey.Builder(b.secret).build());
      algorithms.add(JWSAlgorithm.HS256);
    }
    if (!b.keys.isEmpty()) {
      algorithms.add(JWSAlgorithm.RS256);
      algorithms.add(JWSAlgorithm.ES256);
    }
    if (keys.isEmpty()) throw new IllegalStateException("a TokenVerifier needs an HMAC secret or a JWKS");
    processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(new JWKSet(keys))));
    JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
    if (b.issuer != null) exact.issuer(b.issuer);
    Set<String> audience = b.audience == null ? null : Set.of(b.audience);
    LongSupplier clock = b.clock;
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience, exact.build(),
        Set.of("sub", "exp"), null) {
      @Override
      protected Date currentTime() {
        return new Date(clock.getAsLong());
      }
    };
    claims.setMaxClockSkew((int) b.clockSkewSeconds);
    processor.setJWTClaimsSetVerifier(claims);
  }

  /** A builder; give it an HMAC secret, a JWKS, or both. */
  public static Builder builder() {
    return new Builder();
  }

  /** The verified token's subject and grants, or null if the token is not acceptable. */
  @Nullable Verified verify(String token) {
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException | com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException e) {
      return null;
    }
    Object grants = claims.getClaim(TOPICS_CLAIM);
    if (grants == null) return new Verified(claims.getSubject(), null);
    if (!(grants instanceof Map<?, ?> map)) return null; // malformed grants: refuse rather than guess
    TopicGrants parsed = TopicGrants.parse(map);
    return parsed == null ? null : new Verified(claims.getSubject(), parsed);
  }

  /** What a verified token says. */
  record Verified(String subject, @Nullable TopicGrants grants) {}

  /** Builds a {@link TokenVerifier}. */
  public static final class Builder {
    private byte @Nullable [] secret;
    private final List<JWK> keys = new ArrayList<>();
    private @Nullable String issuer;
    private @Nullable String audience;
    private long clockSkewSeconds = 60;
    private LongSupplier clock = System::currentTimeMillis;

    private Builder() {}

    /** Accepts HS256 tokens signed with {@code secret}, at least 32 bytes (256 bits). */
    public Builder hmacSecret(byte[] secret) {
      if (secret.length < 32) throw new IllegalArgumentException("an HS256 secret needs at least 32 bytes");
      this.secret = secret.clone();
      return this;
    }

    /**
     * Accepts RS256 and ES256 tokens signed by a key of the JSON Web Key Set in {@code file}
     * (public keys; the token's {@code kid} picks one).
     *
     * @throws IOException if the file cannot be read or is not a JWKS
     */
    public Builder jwks(Path file) throws IOException {
      try {
        for (JWK key : JWKSet.load(file.toFile()).getKeys()) {
          // Public keys for RS256 and ES256 only: a shared secret belongs in hmacSecret, not
          // in a key file.
          if (key.getKeyType() == com.nimbusds.jose.jwk.KeyType.RSA
              || key.getKeyType() == com.nimbusds.jose.jwk.KeyType.EC) {
            keys.add(key);
          }
        }
      } catch (ParseException e) {
        throw new IOException("not a JSON Web Key Set: " + file, e);
      }
      return this;
    }

    /** Requires this issuer ({@code iss}). Default: any. */
    public Builder issuer(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /** Requires this audience ({@code aud}). Default: any. */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /** Tolerance for the clocks of whoever issues the tokens. Default 60 s. */
    public Builder clockSkew(long skew, TimeUnit unit) {
      if (skew < 0) throw new IllegalArgumentException("skew must be >= 0");
      this.clockSkewSeconds = Math.min(unit.toSeconds(skew), Integer.MAX_VALUE);
      return this;
    }

    /** Wall-clock time in ms, against which expiry is checked. For tests. */
    public Builder clock(LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public TokenVerifier build() {
      return new TokenVerifier(this);
    }
  }
}
