package io.qmesh.ca.grpc;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the Kubernetes API server's TokenReview part on the fabric8 mock server: known tokens
 * authenticate as their ServiceAccount, everything else is rejected.
 */
public final class ApiServerPlay {

    public static final String XDS_TOKEN = "token-of-xds-service";
    public static final String INJECTOR_TOKEN = "token-of-sidecar-injector";
    public static final String BOOKSTORE_TOKEN = "token-of-bookstore";
    public static final String USER_TOKEN = "token-of-a-human";
    public static final AtomicInteger REVIEWS = new AtomicInteger();

    static final Map<String, String> USERS = Map.of(
            XDS_TOKEN, "system:serviceaccount:qmesh-system:xds-service",
            INJECTOR_TOKEN, "system:serviceaccount:qmesh-system:sidecar-injector",
            BOOKSTORE_TOKEN, "system:serviceaccount:bookstore:bookstore",
            USER_TOKEN, "alice@example.com");

    private static volatile KubernetesServer installedOn;

    private ApiServerPlay() {
    }

    public static synchronized void tokenReviews(KubernetesServer server) {
        if (installedOn == server) {
            return;
        }
        installedOn = server;
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReply(201, request -> {
            REVIEWS.incrementAndGet();
            TokenReview review = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
            String user = USERS.get(review.getSpec().getToken());
            review.setStatus(user == null
                    ? new TokenReviewStatusBuilder().withAuthenticated(false).withError("invalid bearer token").build()
                    : new TokenReviewStatusBuilder().withAuthenticated(true).withNewUser().withUsername(user).endUser().build());
            return review;
        }).always();
    }
}
