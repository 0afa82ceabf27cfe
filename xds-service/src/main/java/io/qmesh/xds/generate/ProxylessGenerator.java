package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServicePort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * (MeshPolicy, ProxyGroup) → what a proxyless gRPC workload (grpc-java's xDS client and
 * XdsServerBuilder) asks for: per reachable gRPC service port a client listener with an API
 * listener and RDS, its route configuration, an EDS cluster with mTLS through the bootstrap's
 * certificate provider, and its endpoints; per local gRPC port a server listener with mTLS and RBAC.
 * Only gRPC and HTTP/2 ports take part: a proxyless client cannot speak HTTP/1 or raw TCP.
 *
 * <p>Unlike a sidecar's, a proxyless client's configuration is not scoped to what it may reach: it
 * gets every mesh gRPC service, and the server's RBAC decides. A denied call then fails with
 * PERMISSION_DENIED naming the policy, where a hidden service would only time out as "not found";
 * the cost is configuration that grows with the number of gRPC services in the mesh.
 */
public final class ProxylessGenerator {

    private ProxylessGenerator() {
    }

    public static GroupConfig generate(PolicyIndex index, ProxyGroup group) {
        Set<Ref> reachable = index.services().keySet();
        List<Listener> listeners = new ArrayList<>();
        List<RouteConfiguration> routes = new ArrayList<>();
        List<Cluster> clusters = new ArrayList<>();
        List<ClusterLoadAssignment> endpoints = new ArrayList<>();
        for (Ref ref : reachable) {
            Service service = index.services().get(ref);
            for (ServicePort port : ServicePorts.sorted(service)) {
                if (!ServicePorts.isHttp2(port.getAppProtocol())) {
                    continue;
                }
                listeners.add(ProxylessClientBuilder.listener(ref, port.getPort()));
                routes.add(ProxylessClientBuilder.routes(index, group, service, port.getPort()));
                clusters.add(ProxylessClientBuilder.cluster(index, group, ref, port.getPort()));
                endpoints.add(weighted(EndpointBuilder.assignment(index, ref, port)));
            }
        }
        for (int port : localGrpcPorts(index, group)) {
            listeners.add(ProxylessServerBuilder.listener(index, group, port));
        }
        return new GroupConfig(group,
                listeners.stream().sorted(Comparator.comparing(Listener::getName)).toList(),
                routes.stream().sorted(Comparator.comparing(RouteConfiguration::getName)).toList(),
                clusters.stream().sorted(Comparator.comparing(Cluster::getName)).toList(),
                endpoints.stream().sorted(Comparator.comparing(ClusterLoadAssignment::getClusterName)).toList(),
                Dependencies.of(index, group, reachable));
    }

    /** The group's own ports (as its endpoints declare them) that back a gRPC service port. */
    static List<Integer> localGrpcPorts(PolicyIndex index, ProxyGroup group) {
        Set<Integer> ports = new java.util.TreeSet<>();
        for (Ref ref : group.services()) {
            Service service = index.services().get(ref);
            for (ServicePort port : ServicePorts.sorted(service)) {
                if (!ServicePorts.isHttp2(port.getAppProtocol())) {
                    continue;
                }
                index.endpoints(ref).stream()
                        .filter(e -> e.hasIdentity() && PolicyIndex.identity(e.getIdentity()).equals(group.identity()))
                        .forEach(e -> ServicePorts.endpointPort(e, port).ifPresent(ports::add));
            }
        }
        ports.retainAll(group.ports());
        return List.copyOf(ports);
    }

    /** grpc-java ignores localities without a weight: give the single locality one. */
    private static ClusterLoadAssignment weighted(ClusterLoadAssignment assignment) {
        ClusterLoadAssignment.Builder builder = assignment.toBuilder();
        for (LocalityLbEndpoints.Builder locality : builder.getEndpointsBuilderList()) {
            locality.setLoadBalancingWeight(Protos.u32(1));
        }
        return builder.build();
    }
}
