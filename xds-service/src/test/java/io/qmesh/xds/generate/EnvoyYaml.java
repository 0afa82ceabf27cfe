package io.qmesh.xds.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig;
import io.envoyproxy.envoy.config.trace.v3.ZipkinConfig;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.qmesh.api.mesh.v1.MeshPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Envoy protos to and from YAML (via protobuf JSON), with a registry of every typed config qmesh emits. */
public final class EnvoyYaml {

    /** Every type qmesh packs into an Any (the registry adds each type's whole file and its imports). */
    public static final TypeRegistry TYPES = TypeRegistry.newBuilder()
            .add(List.of(Listener.getDescriptor(), Cluster.getDescriptor(), RouteConfiguration.getDescriptor(),
                    ClusterLoadAssignment.getDescriptor(), Secret.getDescriptor(),
                    HttpConnectionManager.getDescriptor(), Router.getDescriptor(), TcpProxy.getDescriptor(),
                    io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.getDescriptor(),
                    io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.getDescriptor(),
                    io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit.getDescriptor(),
                    io.envoyproxy.envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit.getDescriptor(),
                    OriginalDst.getDescriptor(), TlsInspector.getDescriptor(), UpstreamTlsContext.getDescriptor(),
                    DownstreamTlsContext.getDescriptor(), StdoutAccessLog.getDescriptor(),
                    OpenTelemetryConfig.getDescriptor(), ZipkinConfig.getDescriptor(),
                    HttpProtocolOptions.getDescriptor()))
            .build();

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final ObjectMapper JSON = new ObjectMapper();

    private EnvoyYaml() {
    }

    public static MeshPolicy policy(String yaml) {
        try {
            MeshPolicy.Builder builder = MeshPolicy.newBuilder();
            JsonFormat.parser().merge(JSON.writeValueAsString(YAML.readTree(yaml)), builder);
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode tree(Message message) {
        try {
            return JSON.readTree(JsonFormat.printer().usingTypeRegistry(TYPES).print(message));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A YAML document of named lists, e.g. proxy group → its listeners. */
    public static String yaml(Map<String, ? extends List<? extends Message>> byName) {
        var root = JSON.createObjectNode();
        byName.forEach((name, messages) -> {
            var list = root.putArray(name);
            messages.forEach(m -> list.add(tree(m)));
        });
        try {
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
