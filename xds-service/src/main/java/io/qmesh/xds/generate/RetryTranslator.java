package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import java.util.Optional;

/** A qmesh Retry (source identity → destination services) as an Envoy route retry policy. */
final class RetryTranslator {

    private RetryTranslator() {
    }

    static Optional<RetryPolicy> forRoute(PolicyIndex index, ProxyGroup group, Ref destination) {
        return index.retriesFrom(group.identity()).stream()
                .filter(r -> r.getDestinationServicesList().stream().map(Ref::of).anyMatch(destination::equals))
                .findFirst()
                .map(RetryTranslator::translate);
    }

    static RetryPolicy translate(io.qmesh.api.mesh.v1.RetryPolicy retry) {
        RetryPolicy.Builder policy = RetryPolicy.newBuilder()
                .setRetryOn(retry.getRetryOn().isEmpty() ? "5xx,connect-failure,reset" : retry.getRetryOn())
                .setNumRetries(Protos.u32(retry.getNumRetries()));
        if (retry.hasPerTryTimeout()) {
            policy.setPerTryTimeout(retry.getPerTryTimeout());
        }
        if (retry.hasRetryBackoffBaseInterval()) {
            policy.setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                    .setBaseInterval(retry.getRetryBackoffBaseInterval()));
        }
        return policy.build();
    }
}
