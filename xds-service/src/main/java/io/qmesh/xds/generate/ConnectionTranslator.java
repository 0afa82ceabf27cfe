package io.qmesh.xds.generate;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.qmesh.api.mesh.v1.ConnectionSettings;
import io.qmesh.api.mesh.v1.UpstreamTrafficSetting;
import java.util.Optional;

/** UpstreamTrafficSetting's connection limits and outlier detection as cluster settings. */
final class ConnectionTranslator {

    static final Duration DEFAULT_CONNECT_TIMEOUT = Protos.millis(1000);

    private ConnectionTranslator() {
    }

    static Duration connectTimeout(Optional<UpstreamTrafficSetting> setting) {
        return setting.filter(s -> s.getConnection().hasConnectTimeout())
                .map(s -> s.getConnection().getConnectTimeout())
                .orElse(DEFAULT_CONNECT_TIMEOUT);
    }

    /** Circuit breaker thresholds; zero fields keep Envoy's defaults. */
    static Optional<CircuitBreakers> circuitBreakers(Optional<UpstreamTrafficSetting> setting) {
        if (setting.isEmpty() || !setting.get().hasConnection()) {
            return Optional.empty();
        }
        ConnectionSettings c = setting.get().getConnection();
        CircuitBreakers.Thresholds.Builder t = CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.DEFAULT);
        if (c.getMaxConnections() > 0) {
            t.setMaxConnections(Protos.u32(c.getMaxConnections()));
        }
        if (c.getMaxRequests() > 0) {
            t.setMaxRequests(Protos.u32(c.getMaxRequests()));
        }
        if (c.getMaxPendingRequests() > 0) {
            t.setMaxPendingRequests(Protos.u32(c.getMaxPendingRequests()));
        }
        if (c.getMaxRetries() > 0) {
            t.setMaxRetries(Protos.u32(c.getMaxRetries()));
        }
        return Optional.of(CircuitBreakers.newBuilder().addThresholds(t).build());
    }

    static Optional<OutlierDetection> outlierDetection(Optional<UpstreamTrafficSetting> setting) {
        if (setting.isEmpty() || !setting.get().hasOutlierDetection()) {
            return Optional.empty();
        }
        io.qmesh.api.mesh.v1.OutlierDetection o = setting.get().getOutlierDetection();
        OutlierDetection.Builder d = OutlierDetection.newBuilder();
        if (o.getConsecutive5Xx() > 0) {
            d.setConsecutive5Xx(Protos.u32(o.getConsecutive5Xx()));
        }
        if (o.hasInterval()) {
            d.setInterval(o.getInterval());
        }
        if (o.hasBaseEjectionTime()) {
            d.setBaseEjectionTime(o.getBaseEjectionTime());
        }
        if (o.getMaxEjectionPercent() > 0) {
            d.setMaxEjectionPercent(Protos.u32(o.getMaxEjectionPercent()));
        }
        return Optional.of(d.build());
    }
}
