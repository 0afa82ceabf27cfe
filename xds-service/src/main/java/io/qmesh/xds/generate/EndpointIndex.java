package io.qmesh.xds.generate;

import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.ServiceEndpoints;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The endpoint half of a {@link PolicyIndex} — endpoints and identities per service, the meshed
 * pods and their proxy groups — carried from one policy to the next: {@link #next} redoes only the
 * services whose endpoints changed and the pods they name, so a one-endpoint change costs the same
 * in a mesh of 10 or 10,000 endpoints. Immutable: {@code next} copies the maps it changes.
 */
final class EndpointIndex {

    static final EndpointIndex EMPTY = new EndpointIndex(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
            Map.of());

    private final Map<Ref, ServiceEndpoints> byService;
    private final Map<Ref, List<Endpoint>> endpoints;
    private final Map<Ref, Set<Identity>> identitiesOfService;
    private final Map<Identity, Set<Ref>> servicesOfIdentity;
    private final Map<Ref, SortedSet<Ref>> servicesOfPod;
    private final Map<Ref, Pod> pods;
    private final Map<Ref, ProxyGroup> groupsByPod;
    /** Lazily, once; a benign race computes the same set. */
    private volatile SortedSet<ProxyGroup> groups;

    private EndpointIndex(Map<Ref, ServiceEndpoints> byService, Map<Ref, List<Endpoint>> endpoints,
            Map<Ref, Set<Identity>> identitiesOfService, Map<Identity, Set<Ref>> servicesOfIdentity,
            Map<Ref, SortedSet<Ref>> servicesOfPod, Map<Ref, Pod> pods, Map<Ref, ProxyGroup> groupsByPod) {
        this.byService = byService;
        this.endpoints = endpoints;
        this.identitiesOfService = identitiesOfService;
        this.servicesOfIdentity = servicesOfIdentity;
        this.servicesOfPod = servicesOfPod;
        this.pods = pods;
        this.groupsByPod = groupsByPod;
    }

    /** The index of {@code all}, reusing this one for every service whose endpoints are unchanged. */
    EndpointIndex next(List<ServiceEndpoints> all) {
        Map<Ref, ServiceEndpoints> nextByService = new HashMap<>(all.size() * 2);
        all.forEach(se -> nextByService.put(Ref.of(se.getService()), se));
        Set<Ref> changed = new HashSet<>();
        nextByService.forEach((service, se) -> {
            if (!Objects.equals(byService.get(service), se)) {
                changed.add(service);
            }
        });
        byService.keySet().stream().filter(s -> !nextByService.containsKey(s)).forEach(changed::add);
        if (changed.isEmpty()) {
            return this;
        }
        return new Update(this).apply(changed, nextByService);
    }

    List<Endpoint> endpoints(Ref service) {
        return endpoints.getOrDefault(service, List.of());
    }

    Set<Identity> identitiesOf(Ref service) {
        return identitiesOfService.getOrDefault(service, Set.of());
    }

    Set<Ref> servicesBackedBy(Identity identity) {
        return servicesOfIdentity.getOrDefault(identity, Set.of());
    }

    Map<Ref, Pod> pods() {
        return pods;
    }

    Map<Ref, ProxyGroup> groupsByPod() {
        return groupsByPod;
    }

    /** Every group once, sorted by key; computed once per index (an update that moves no endpoint reuses it). */
    SortedSet<ProxyGroup> groups() {
        SortedSet<ProxyGroup> g = groups;
        if (g == null) {
            SortedSet<ProxyGroup> all = new TreeSet<>(java.util.Comparator.comparing(ProxyGroup::key));
            all.addAll(new HashSet<>(groupsByPod.values()));
            g = java.util.Collections.unmodifiableSortedSet(all);
            groups = g;
        }
        return g;
    }

    private static boolean meshed(Endpoint e) {
        return e.hasPod() && e.hasIdentity() && !e.getIdentity().getServiceAccount().isEmpty();
    }

    /** One step: copies of the previous maps; a set is copied the first time this step changes it. */
    private static final class Update {
        final Map<Ref, List<Endpoint>> endpoints;
        final Map<Ref, Set<Identity>> identitiesOfService;
        final Map<Identity, Set<Ref>> servicesOfIdentity;
        final Map<Ref, SortedSet<Ref>> servicesOfPod;
        final Map<Ref, Pod> pods;
        final Map<Ref, ProxyGroup> groupsByPod;
        final Set<Ref> copiedPods = new HashSet<>();
        final Set<Identity> copiedIdentities = new HashSet<>();

        Update(EndpointIndex from) {
            endpoints = new HashMap<>(from.endpoints);
            identitiesOfService = new HashMap<>(from.identitiesOfService);
            servicesOfIdentity = new HashMap<>(from.servicesOfIdentity);
            servicesOfPod = new HashMap<>(from.servicesOfPod);
            pods = new HashMap<>(from.pods);
            groupsByPod = new HashMap<>(from.groupsByPod);
        }

        EndpointIndex apply(Set<Ref> changed, Map<Ref, ServiceEndpoints> nextByService) {
            Set<Ref> touchedPods = new HashSet<>();
            for (Ref service : changed) {
                for (Endpoint e : endpoints.getOrDefault(service, List.of())) {
                    if (meshed(e)) {
                        touchedPods.add(Ref.of(e.getPod()));
                        writable(servicesOfPod, Ref.of(e.getPod()), copiedPods).remove(service);
                    }
                }
                identitiesOfService.getOrDefault(service, Set.of())
                        .forEach(id -> writable(servicesOfIdentity, id, copiedIdentities).remove(service));
                endpoints.remove(service);
                identitiesOfService.remove(service);
                ServiceEndpoints now = nextByService.get(service);
                if (now == null) {
                    continue;
                }
                endpoints.put(service, List.copyOf(now.getEndpointsList()));
                Set<Identity> ids = new TreeSet<>();
                for (Endpoint e : now.getEndpointsList()) {
                    if (e.hasIdentity()) {
                        ids.add(PolicyIndex.identity(e.getIdentity()));
                    }
                    if (meshed(e)) {
                        touchedPods.add(Ref.of(e.getPod()));
                        writable(servicesOfPod, Ref.of(e.getPod()), copiedPods).add(service);
                    }
                }
                identitiesOfService.put(service, ids);
                ids.forEach(id -> writable(servicesOfIdentity, id, copiedIdentities).add(service));
            }
            touchedPods.forEach(this::reindexPod);
            servicesOfIdentity.values().removeIf(Set::isEmpty);
            return new EndpointIndex(nextByService, endpoints, identitiesOfService, servicesOfIdentity,
                    servicesOfPod, pods, groupsByPod);
        }

        /** A pod's identity and UID from its first endpoint (services in order); its group from all of them. */
        private void reindexPod(Ref pod) {
            SortedSet<Ref> services = servicesOfPod.getOrDefault(pod, new TreeSet<>());
            if (services.isEmpty()) {
                servicesOfPod.remove(pod);
                pods.remove(pod);
                groupsByPod.remove(pod);
                return;
            }
            Pod first = null;
            Set<Integer> ports = new TreeSet<>();
            for (Ref service : services) {
                for (Endpoint e : endpoints.get(service)) {
                    if (meshed(e) && Ref.of(e.getPod()).equals(pod)) {
                        if (first == null) {
                            first = new Pod(pod, e.getPodUid(), PolicyIndex.identity(e.getIdentity()));
                        }
                        e.getPortsList().forEach(p -> ports.add(p.getPort()));
                    }
                }
            }
            pods.put(pod, first);
            groupsByPod.put(pod, new ProxyGroup(first.identity(), List.copyOf(services), List.copyOf(ports)));
        }

        /** The set under {@code key}, copied on its first change in this step (the previous index shares it). */
        private static <K, V> Set<V> writable(Map<K, ? super TreeSet<V>> sets, K key, Set<K> copied) {
            @SuppressWarnings("unchecked")
            Set<V> current = (Set<V>) sets.get(key);
            if (current != null && !copied.add(key)) {
                return current;
            }
            TreeSet<V> copy = current == null ? new TreeSet<>() : new TreeSet<>(current);
            sets.put(key, copy);
            copied.add(key);
            return copy;
        }
    }
}
