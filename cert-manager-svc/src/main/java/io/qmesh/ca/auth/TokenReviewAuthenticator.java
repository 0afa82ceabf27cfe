package io.qmesh.ca.auth;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.qmesh.api.Identity;
import io.qmesh.ca.config.CaConfig;
import io.qmesh.ca.issue.Refusal;
import io.qmesh.ca.issue.Refusal.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Who is calling: the caller's projected ServiceAccount token, checked by the Kubernetes API server
 * (TokenReview). Accepted reviews are cached briefly by a SHA-256 of the token (never the token
 * itself), bounded in size, so that issuance does not wait on the API server for every call.
 */
@ApplicationScoped
public class TokenReviewAuthenticator {

    static final String SA_PREFIX = "system:serviceaccount:";
    private static final Logger LOG = Logger.getLogger(TokenReviewAuthenticator.class);

    private final KubernetesClient client;
    private final CaConfig config;
    private final Clock clock;
    private final Map<String, Cached> cache;

    private record Cached(Identity caller, Instant expires) {
    }

    /** The caller, or why not. */
    public record Result(Identity caller, Refusal refusal) {
        static Result of(Identity caller) {
            return new Result(caller, null);
        }

        static Result refused(Reason reason, String message) {
            return new Result(null, Refusal.of(reason, message));
        }
    }

    TokenReviewAuthenticator(KubernetesClient client, CaConfig config, Clock clock) {
        this.client = client;
        this.config = config;
        this.clock = clock;
        int max = config.auth().tokenCacheSize();
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > max;
            }
        };
    }

    /** @param token the bearer token from the call's metadata, or null when there was none */
    public Result authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Result.refused(Reason.UNAUTHENTICATED,
                    "no ServiceAccount token: send metadata 'authorization: Bearer <token>'");
        }
        String key = sha256(token);
        Instant now = clock.instant();
        synchronized (cache) {
            Cached hit = cache.get(key);
            if (hit != null && hit.expires().isAfter(now)) {
                return Result.of(hit.caller());
            }
        }
        Result result = review(token);
        if (result.caller() != null) {
            synchronized (cache) {
                cache.put(key, new Cached(result.caller(), now.plus(config.auth().tokenCacheTtl())));
            }
        }
        return result;
    }

    private Result review(String token) {
        TokenReview review;
        try {
            review = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder().withNewSpec()
                    .withToken(token).withAudiences(config.auth().audiences().orElse(List.of())).endSpec().build());
        } catch (RuntimeException e) {
            LOG.warnf("tokenreview failed against %s: %s", client.getMasterUrl(), e.getMessage());
            return Result.refused(Reason.UNAUTHENTICATED, "the token could not be reviewed (Kubernetes API: "
                    + e.getMessage() + ")");
        }
        var status = review == null ? null : review.getStatus();
        if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
            String why = status == null || status.getError() == null ? "not authenticated" : status.getError();
            return Result.refused(Reason.UNAUTHENTICATED, "token rejected by TokenReview: " + why);
        }
        String username = status.getUser().getUsername();
        String[] parts = username == null || !username.startsWith(SA_PREFIX) ? new String[0]
                : username.substring(SA_PREFIX.length()).split(":", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return Result.refused(Reason.PERMISSION_DENIED, "caller user=" + username + " is not a ServiceAccount");
        }
        return Result.of(Identity.of(parts[0], parts[1]));
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
