package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.EgressPort;
import io.qmesh.api.mesh.v1.EgressRule;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServicePort;
import io.qmesh.api.mesh.v1.UpstreamTrafficSetting;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * CDS: an mTLS EDS cluster per reachable service port (circuit breakers and outlier detection from
 * its UpstreamTrafficSetting), a local cluster per local service port, egress clusters, and the
 * fixed admin, passthrough and tracing clusters.
 */
public final class ClusterBuilder {

    static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
    /** Envoy's admin interface, the same for every group: built once. */
    private static final Cluster ADMIN = staticCluster(ResourceNames.ADMIN_CLUSTER, ResourceNames.ADMIN_PORT);

    private ClusterBuilder() {
    }

    public static List<Cluster> build(PolicyIndex index, ProxyGroup group, Set<Ref> reachable) {
        TreeMap<String, Cluster> clusters = new TreeMap<>();
        for (Ref ref : reachable) {
            Service service = index.services().get(ref);
            for (ServicePort port : ServicePorts.sorted(service)) {
                Cluster c = outbound(index, group, ref, port);
                clusters.put(c.getName(), c);
            }
        }
        for (Ref ref : group.services()) {
            index.service(ref).ifPresent(service -> ServicePorts.sorted(service).forEach(port -> {
                Cluster c = local(ref, port);
                clusters.put(c.getName(), c);
            }));
        }
        boolean passthrough = index.settings().getEgressEnabled();
        for (EgressRule rule : index.egressFrom(group.identity())) {
            passthrough |= !rule.getIpRangesList().isEmpty();
            for (EgressPort port : rule.getPortsList()) {
                for (String host : rule.getHostsList()) {
                    Cluster c = dns(ResourceNames.egress(host, port.getNumber()), host, port.getNumber(),
                            ServicePorts.isHttp2(port.getAppProtocol()));
                    clusters.put(c.getName(), c);
                }
            }
        }
        if (passthrough) {
            clusters.put(ResourceNames.PASSTHROUGH_CLUSTER, Cluster.newBuilder()
                    .setName(ResourceNames.PASSTHROUGH_CLUSTER)
                    .setType(Cluster.DiscoveryType.ORIGINAL_DST)
                    .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
                    .setConnectTimeout(ConnectionTranslator.DEFAULT_CONNECT_TIMEOUT)
                    .build());
        }
        clusters.put(ResourceNames.ADMIN_CLUSTER, ADMIN);
        if (TracingTranslator.enabled(index.settings())) {
            var tracing = index.settings().getTracing();
            clusters.put(ResourceNames.TRACING_CLUSTER, dns(ResourceNames.TRACING_CLUSTER, tracing.getAddress(),
                    tracing.getPort(), tracing.getProtocol() != io.qmesh.api.mesh.v1.Tracing.Protocol.ZIPKIN));
        }
        return List.copyOf(clusters.values());
    }

    static Cluster outbound(PolicyIndex index, ProxyGroup group, Ref service, ServicePort port) {
        Optional<UpstreamTrafficSetting> setting = index.trafficSetting(service);
        Set<Identity> destinations = new java.util.TreeSet<>(index.identitiesOf(service));
        Cluster.Builder cluster = Cluster.newBuilder()
                .setName(ResourceNames.cluster(service, port.getPort()))
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(Protos.ads()))
                .setConnectTimeout(ConnectionTranslator.connectTimeout(setting))
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
                .setTransportSocket(TlsTranslator.upstream(group.identity(), destinations,
                        ServicePorts.fqdn(service), index.trustDomain()));
        ConnectionTranslator.circuitBreakers(setting).ifPresent(cluster::setCircuitBreakers);
        ConnectionTranslator.outlierDetection(setting).ifPresent(cluster::setOutlierDetection);
        if (ServicePorts.isHttp2(port.getAppProtocol())) {
            http2(cluster);
        }
        return cluster.build();
    }

    static Cluster local(Ref service, ServicePort port) {
        Cluster.Builder cluster = staticCluster(ResourceNames.localCluster(service, port.getPort()),
                ServicePorts.targetPort(port)).toBuilder();
        if (ServicePorts.isHttp2(port.getAppProtocol())) {
            http2(cluster);
        }
        return cluster.build();
    }

    private static Cluster staticCluster(String name, int port) {
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.STATIC)
                .setConnectTimeout(ConnectionTranslator.DEFAULT_CONNECT_TIMEOUT)
                .setLoadAssignment(loadAssignment(name, "127.0.0.1", port))
                .build();
    }

    private static Cluster dns(String name, String host, int port, boolean http2) {
        Cluster.Builder cluster = Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.LOGICAL_DNS)
                .setDnsLookupFamily(Cluster.DnsLookupFamily.V4_ONLY)
                .setConnectTimeout(ConnectionTranslator.DEFAULT_CONNECT_TIMEOUT)
                .setLoadAssignment(loadAssignment(name, host, port));
        if (http2) {
            http2(cluster);
        }
        return cluster.build();
    }

    private static ClusterLoadAssignment loadAssignment(String name, String host, int port) {
        return ClusterLoadAssignment.newBuilder().setClusterName(name)
                .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                        .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                                .setAddress(Protos.address(host, port)))))
                .build();
    }

    private static void http2(Cluster.Builder cluster) {
        cluster.putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS, Protos.any(HttpProtocolOptions.newBuilder()
                .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                        .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
                .build()));
    }
}
