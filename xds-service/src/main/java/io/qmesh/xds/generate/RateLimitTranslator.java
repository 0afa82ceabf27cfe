package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.qmesh.api.mesh.v1.RateLimit;

/** UpstreamTrafficSetting rate limits as Envoy local rate limits, enforced by the upstream's sidecar. */
final class RateLimitTranslator {

    static final String HTTP_FILTER = "envoy.filters.http.local_ratelimit";
    static final String NETWORK_FILTER = "envoy.filters.network.local_ratelimit";

    private RateLimitTranslator() {
    }

    static TokenBucket bucket(RateLimit limit) {
        return TokenBucket.newBuilder()
                .setMaxTokens(limit.getTokens() + limit.getBurst())
                .setTokensPerFill(Protos.u32(limit.getTokens()))
                .setFillInterval(limit.hasFillInterval() ? limit.getFillInterval() : Protos.millis(1000))
                .build();
    }

    /** The HTTP filter; with {@code limit == null} it only enforces per-route limits. */
    static LocalRateLimit http(String statPrefix, RateLimit limit) {
        LocalRateLimit.Builder filter = LocalRateLimit.newBuilder().setStatPrefix(statPrefix);
        if (limit != null) {
            filter.setTokenBucket(bucket(limit))
                    .setFilterEnabled(always("local_rate_limit_enabled"))
                    .setFilterEnforced(always("local_rate_limit_enforced"));
            if (limit.getResponseStatusCode() > 0) {
                filter.setStatus(HttpStatus.newBuilder().setCodeValue(limit.getResponseStatusCode()));
            } else {
                filter.setStatus(HttpStatus.newBuilder().setCode(StatusCode.TooManyRequests));
            }
        }
        return filter.build();
    }

    static io.envoyproxy.envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit tcp(String statPrefix,
            RateLimit limit) {
        return io.envoyproxy.envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit.newBuilder()
                .setStatPrefix(statPrefix)
                .setTokenBucket(bucket(limit))
                .build();
    }

    private static RuntimeFractionalPercent always(String runtimeKey) {
        return RuntimeFractionalPercent.newBuilder()
                .setRuntimeKey(runtimeKey)
                .setDefaultValue(FractionalPercent.newBuilder().setNumerator(100)
                        .setDenominator(FractionalPercent.DenominatorType.HUNDRED))
                .build();
    }
}
