package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The consistency check for proxyless snapshots. java-control-plane's {@code Snapshot.ensureConsistent()}
 * only looks for route names inside filter chains and so rejects API listeners that use RDS; this
 * checks the references a proxyless client follows: API listener → route configuration → clusters →
 * their EDS resources.
 */
public final class ProxylessReferences {

    private ProxylessReferences() {
    }

    /** Every dangling reference, as "what → missing name"; empty when consistent. */
    public static List<String> dangling(GroupConfig config) {
        Set<String> routes = config.routes().stream().map(RouteConfiguration::getName).collect(Collectors.toSet());
        Set<String> clusters = config.clusters().stream().map(Cluster::getName).collect(Collectors.toSet());
        Set<String> assignments = config.endpoints().stream().map(ClusterLoadAssignment::getClusterName).collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        for (Listener listener : config.listeners()) {
            if (!listener.hasApiListener()) {
                continue;
            }
            String route = hcm(listener).getRds().getRouteConfigName();
            if (!routes.contains(route)) {
                problems.add("listener " + listener.getName() + " → route configuration " + route);
            }
        }
        for (RouteConfiguration route : config.routes()) {
            for (VirtualHost host : route.getVirtualHostsList()) {
                for (Route r : host.getRoutesList()) {
                    List<String> targets = r.getRoute().hasWeightedClusters()
                            ? r.getRoute().getWeightedClusters().getClustersList().stream().map(WeightedCluster.ClusterWeight::getName).toList()
                            : List.of(r.getRoute().getCluster());
                    targets.stream().filter(c -> !clusters.contains(c))
                            .forEach(c -> problems.add("route configuration " + route.getName() + " → cluster " + c));
                }
            }
        }
        for (Cluster cluster : config.clusters()) {
            String service = cluster.getEdsClusterConfig().getServiceName();
            if (cluster.getType() == Cluster.DiscoveryType.EDS && !assignments.contains(service)) {
                problems.add("cluster " + cluster.getName() + " → endpoints " + service);
            }
        }
        return problems;
    }

    private static HttpConnectionManager hcm(Listener listener) {
        try {
            return listener.getApiListener().getApiListener().unpack(HttpConnectionManager.class);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("api listener " + listener.getName() + " does not hold an HttpConnectionManager", e);
        }
    }
}
