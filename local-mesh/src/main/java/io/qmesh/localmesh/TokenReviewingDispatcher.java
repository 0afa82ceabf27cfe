package io.qmesh.localmesh;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;

/**
 * The in-memory API server's CRUD store plus the one thing a real API server computes rather than
 * stores: TokenReview. Tokens are the ones local-mesh handed to each process as its ServiceAccount
 * token; anything else is answered "not authenticated", as a real API server would.
 */
final class TokenReviewingDispatcher extends KubernetesCrudDispatcher {

    static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";

    private final Map<String, String> usernameByToken;

    /** @param usernameByToken e.g. token → {@code system:serviceaccount:qmesh-system:xds-service} */
    TokenReviewingDispatcher(Map<String, String> usernameByToken) {
        this.usernameByToken = Map.copyOf(usernameByToken);
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        if (!request.getPath().startsWith(TOKEN_REVIEWS)) {
            return super.handleCreate(request);
        }
        TokenReview review = Serialization.unmarshal(request.getBody().readUtf8(), TokenReview.class);
        String username = review.getSpec() == null ? null : usernameByToken.get(review.getSpec().getToken());
        review.setStatus(username == null
                ? new TokenReviewStatusBuilder().withAuthenticated(false).withError("token not recognised").build()
                : new TokenReviewStatusBuilder().withAuthenticated(true).withNewUser().withUsername(username)
                        .withGroups("system:serviceaccounts", "system:serviceaccounts:" + username.split(":")[2],
                                "system:authenticated").endUser().build());
        return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(review));
    }
}
