package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig;
import io.envoyproxy.envoy.config.trace.v3.Tracing;
import io.envoyproxy.envoy.config.trace.v3.ZipkinConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.v3.Percent;
import io.qmesh.api.mesh.v1.MeshSettings;
import java.util.Optional;

/**
 * MeshConfig tracing as the HTTP connection manager's tracer: OpenTelemetry over gRPC or Zipkin JSON
 * to {@link ResourceNames#TRACING_CLUSTER}, at the configured sampling rate. Envoy generates and
 * propagates request IDs (x-request-id) and trace context either way.
 */
final class TracingTranslator {

    private TracingTranslator() {
    }

    static boolean enabled(MeshSettings settings) {
        return settings.hasTracing() && settings.getTracing().getEnabled()
                && !settings.getTracing().getAddress().isEmpty() && settings.getTracing().getPort() > 0;
    }

    static Optional<HttpConnectionManager.Tracing> tracing(MeshSettings settings, String serviceName) {
        if (!enabled(settings)) {
            return Optional.empty();
        }
        io.qmesh.api.mesh.v1.Tracing t = settings.getTracing();
        Tracing.Http provider = switch (t.getProtocol()) {
            case ZIPKIN -> Tracing.Http.newBuilder().setName("envoy.tracers.zipkin")
                    .setTypedConfig(Protos.any(ZipkinConfig.newBuilder()
                            .setCollectorCluster(ResourceNames.TRACING_CLUSTER)
                            .setCollectorEndpoint(t.getEndpoint().isEmpty() ? "/api/v2/spans" : t.getEndpoint())
                            .setCollectorEndpointVersion(ZipkinConfig.CollectorEndpointVersion.HTTP_JSON)
                            .build()))
                    .build();
            default -> Tracing.Http.newBuilder().setName("envoy.tracers.opentelemetry")
                    .setTypedConfig(Protos.any(OpenTelemetryConfig.newBuilder()
                            .setGrpcService(GrpcService.newBuilder().setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder()
                                    .setClusterName(ResourceNames.TRACING_CLUSTER)))
                            .setServiceName(serviceName)
                            .build()))
                    .build();
        };
        double sampling = Math.max(0, Math.min(100, t.getSamplingPercentage()));
        return Optional.of(HttpConnectionManager.Tracing.newBuilder()
                .setProvider(provider)
                .setRandomSampling(Percent.newBuilder().setValue(sampling))
                .build());
    }
}
