package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;
import java.util.Set;

/**
 * One proxy group's Envoy configuration (secrets come separately, from the CA), each list sorted by
 * name, with the dependency keys it was generated from.
 */
public record GroupConfig(ProxyGroup group, List<Listener> listeners, List<RouteConfiguration> routes,
        List<Cluster> clusters, List<ClusterLoadAssignment> endpoints, Set<String> dependencies) {

    public GroupConfig {
        listeners = List.copyOf(listeners);
        routes = List.copyOf(routes);
        clusters = List.copyOf(clusters);
        endpoints = List.copyOf(endpoints);
        dependencies = Set.copyOf(dependencies);
    }

    /** Same Envoy resources (dependencies aside). */
    public boolean sameResources(GroupConfig other) {
        return listeners.equals(other.listeners) && routes.equals(other.routes)
                && clusters.equals(other.clusters) && endpoints.equals(other.endpoints);
    }
}
