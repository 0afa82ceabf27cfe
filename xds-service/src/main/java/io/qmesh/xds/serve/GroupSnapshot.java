package io.qmesh.xds.serve;

import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.qmesh.xds.generate.GroupConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.envoyproxy.controlplane.cache.Resources;

/**
 * A proxy group's java-control-plane snapshot whose resource versions are content hashes, reusing
 * the versions of the previous snapshot's unchanged resources; each type's version is the hash of
 * its resources' names and versions.
 */
public final class GroupSnapshot extends Snapshot {

    private final SnapshotResources<Cluster> clusters;
    private final SnapshotResources<ClusterLoadAssignment> endpoints;
    private final SnapshotResources<Listener> listeners;
    private final SnapshotResources<RouteConfiguration> routes;
    private final SnapshotResources<Secret> secrets;

    private GroupSnapshot(List<VersionedResource<Cluster>> clusters, List<VersionedResource<ClusterLoadAssignment>> endpoints,
            List<VersionedResource<Listener>> listeners, List<VersionedResource<RouteConfiguration>> routes,
            List<VersionedResource<Secret>> secrets) {
        this.clusters = resources(clusters);
        this.endpoints = resources(endpoints);
        this.listeners = resources(listeners);
        this.routes = resources(routes);
        this.secrets = resources(secrets);
    }

    /** The snapshot of {@code config} and {@code secrets}, reusing {@code previous}'s versions where unchanged. */
    public static GroupSnapshot of(GroupConfig config, List<Secret> secrets, GroupSnapshot previous) {
        GroupSnapshot p = previous != null ? previous : empty();
        return new GroupSnapshot(
                ResourceVersions.version(config.clusters(), p.clusters.versionedResources(), Cluster::getName),
                ResourceVersions.version(config.endpoints(), p.endpoints.versionedResources(), ClusterLoadAssignment::getClusterName),
                ResourceVersions.version(config.listeners(), p.listeners.versionedResources(), Listener::getName),
                ResourceVersions.version(config.routes(), p.routes.versionedResources(), RouteConfiguration::getName),
                ResourceVersions.version(secrets, p.secrets.versionedResources(), Secret::getName));
    }

    public static GroupSnapshot empty() {
        return new GroupSnapshot(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** This snapshot with other secrets (a renewed certificate or a new trust bundle). */
    public GroupSnapshot withSecrets(List<Secret> newSecrets) {
        return new GroupSnapshot(List.copyOf(clusters.versionedResources().values()),
                List.copyOf(endpoints.versionedResources().values()),
                List.copyOf(listeners.versionedResources().values()),
                List.copyOf(routes.versionedResources().values()),
                ResourceVersions.version(newSecrets, secrets.versionedResources(), Secret::getName));
    }

    private static <T extends com.google.protobuf.Message> SnapshotResources<T> resources(List<VersionedResource<T>> list) {
        Map<String, VersionedResource<T>> byName = new TreeMap<>();
        list.forEach(r -> byName.put(Resources.getResourceName(r.resource()), r));
        String all = ResourceVersions.ofSet(byName);
        return SnapshotResources.create(list, names -> {
            if (names.isEmpty()) {
                return all;
            }
            Map<String, VersionedResource<T>> subset = new TreeMap<>();
            names.stream().filter(byName::containsKey).forEach(n -> subset.put(n, byName.get(n)));
            return ResourceVersions.ofSet(subset);
        });
    }

    /** java-control-plane declares this twice with different generics; a raw return type satisfies both. */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Map versionedResources(Resources.ResourceType type) {
        return super.versionedResources(type);
    }

    @Override
    public SnapshotResources<Cluster> clusters() {
        return clusters;
    }

    @Override
    public SnapshotResources<ClusterLoadAssignment> endpoints() {
        return endpoints;
    }

    @Override
    public SnapshotResources<Listener> listeners() {
        return listeners;
    }

    @Override
    public SnapshotResources<RouteConfiguration> routes() {
        return routes;
    }

    @Override
    public SnapshotResources<Secret> secrets() {
        return secrets;
    }
}
