package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.ServiceEndpoints;
import io.qmesh.api.mesh.v1.ServicePort;
import io.qmesh.api.mesh.v1.ServicelessPod;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The endpoint half of a {@link PolicyIndex} — endpoints and identities per service, the meshed
 * pods (those the endpoints name, and the policy's serviceless pods) and their proxy groups —
 * carried from one policy to the next: {@link #next} redoes only the services whose endpoints
 * changed and the pods they name, so a one-endpoint change costs the same in a mesh of 10 or
 * 10,000 endpoints. Immutable: the maps are {@link CowMap}s, of which {@code next}
 * copies only the shards it changes, and the sorted groups are carried over while no pod's group changes.
 */
final class EndpointIndex {

    static final EndpointIndex EMPTY = new EndpointIndex(Map.of(), Map.of(), CowMap.empty(), CowMap.empty(), CowMap.empty(),
            CowMap.empty(), CowMap.empty(), CowMap.empty(), null);

    private final Map<Ref, ServiceEndpoints> byService;
    /** Meshed pods that back no Service: each is its own pod with a group of no services and no ports. */
    private final Map<Ref, ServicelessPod> serviceless;
    private final CowMap<Ref, Endpoints> endpoints;
    private final CowMap<Ref, Set<Identity>> identitiesOfService;
    private final CowMap<Identity, Set<Ref>> servicesOfIdentity;
    private final CowMap<Ref, SortedSet<Ref>> servicesOfPod;
    private final CowMap<Ref, Pod> pods;
    private final CowMap<Ref, ProxyGroup> groupsByPod;
    /** Lazily, once; a benign race computes the same set. */
    private volatile SortedSet<ProxyGroup> groups;

    private EndpointIndex(Map<Ref, ServiceEndpoints> byService, Map<Ref, ServicelessPod> serviceless,
            CowMap<Ref, Endpoints> endpoints,
            CowMap<Ref, Set<Identity>> identitiesOfService, CowMap<Identity, Set<Ref>> servicesOfIdentity,
            CowMap<Ref, SortedSet<Ref>> servicesOfPod, CowMap<Ref, Pod> pods, CowMap<Ref, ProxyGroup> groupsByPod,
            SortedSet<ProxyGroup> groups) {
        this.byService = byService;
        this.serviceless = serviceless;
        this.endpoints = endpoints;
        this.identitiesOfService = identitiesOfService;
        this.servicesOfIdentity = servicesOfIdentity;
        this.servicesOfPod = servicesOfPod;
        this.pods = pods;
        this.groupsByPod = groupsByPod;
        this.groups = groups;
    }

    /**
     * The index of {@code all} endpoints and the {@code servicelessPods}, reusing this one for every
     * service whose endpoints are unchanged and every pod that is not named by a change.
     */
    EndpointIndex next(List<ServiceEndpoints> all, List<ServicelessPod> servicelessPods) {
        Map<Ref, ServiceEndpoints> nextByService = new HashMap<>(all.size() * 2);
        all.forEach(se -> nextByService.put(Ref.of(se.getService()), se));
        Map<Ref, ServicelessPod> nextServiceless = new HashMap<>(servicelessPods.size() * 2);
        servicelessPods.forEach(p -> nextServiceless.put(Ref.of(p.getPod()), p));
        Set<Ref> changed = changedKeys(byService, nextByService);
        Set<Ref> changedServiceless = changedKeys(serviceless, nextServiceless);
        if (changed.isEmpty() && changedServiceless.isEmpty()) {
            return this;
        }
        return new Update(this, nextServiceless).apply(changed, nextByService, changedServiceless);
    }

    private static <T> Set<Ref> changedKeys(Map<Ref, T> before, Map<Ref, T> after) {
        Set<Ref> changed = new HashSet<>();
        after.forEach((key, value) -> {
            if (!Objects.equals(before.get(key), value)) {
                changed.add(key);
            }
        });
        before.keySet().stream().filter(key -> !after.containsKey(key)).forEach(changed::add);
        return changed;
    }

    List<Endpoint> endpoints(Ref service) {
        Endpoints e = endpoints.get(service);
        return e == null ? List.of() : e.list;
    }

    /**
     * The service port's ClusterLoadAssignment, built once per version of the service's endpoints: every
     * group reaching the service, and every later policy that leaves its endpoints alone, gets the very
     * same instance, so it is neither compared, hashed nor serialized again.
     */
    ClusterLoadAssignment assignment(Ref service, ServicePort port, Supplier<ClusterLoadAssignment> build) {
        Endpoints e = endpoints.get(service);
        return e == null ? build.get() : e.assignments.computeIfAbsent(port, p -> build.get());
    }

    /** A service's endpoints, and what generation built from exactly these. */
    private static final class Endpoints {
        final List<Endpoint> list;
        final Map<ServicePort, ClusterLoadAssignment> assignments = new ConcurrentHashMap<>();

        Endpoints(List<Endpoint> list) {
            this.list = list;
        }
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

    /** One step: editors of the previous maps; a set is copied the first time this step changes it. */
    private static final class Update {
        final SortedSet<ProxyGroup> previousGroups;
        final Map<Ref, ServicelessPod> serviceless;
        final CowMap.Editor<Ref, Endpoints> endpoints;
        final CowMap.Editor<Ref, Set<Identity>> identitiesOfService;
        final CowMap.Editor<Identity, Set<Ref>> servicesOfIdentity;
        final CowMap.Editor<Ref, SortedSet<Ref>> servicesOfPod;
        final CowMap.Editor<Ref, Pod> pods;
        final CowMap.Editor<Ref, ProxyGroup> groupsByPod;
        final Set<Ref> copiedPods = new HashSet<>();
        final Set<Identity> copiedIdentities = new HashSet<>();
        /** Whether a pod joined, left or changed group: then the sorted groups are computed anew. */
        boolean groupsChanged;

        Update(EndpointIndex from, Map<Ref, ServicelessPod> serviceless) {
            previousGroups = from.groups;
            this.serviceless = serviceless;
            endpoints = from.endpoints.edit();
            identitiesOfService = from.identitiesOfService.edit();
            servicesOfIdentity = from.servicesOfIdentity.edit();
            servicesOfPod = from.servicesOfPod.edit();
            pods = from.pods.edit();
            groupsByPod = from.groupsByPod.edit();
        }

        EndpointIndex apply(Set<Ref> changed, Map<Ref, ServiceEndpoints> nextByService, Set<Ref> changedServiceless) {
            Set<Ref> touchedPods = new HashSet<>(changedServiceless);
            for (Ref service : changed) {
                Endpoints was = endpoints.get(service);
                for (Endpoint e : was == null ? List.<Endpoint>of() : was.list) {
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
                endpoints.put(service, new Endpoints(List.copyOf(now.getEndpointsList())));
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
            for (Identity id : copiedIdentities) {
                if (servicesOfIdentity.getOrDefault(id, Set.of()).isEmpty()) {
                    servicesOfIdentity.remove(id);
                }
            }
            return new EndpointIndex(nextByService, serviceless, endpoints.build(), identitiesOfService.build(),
                    servicesOfIdentity.build(), servicesOfPod.build(), pods.build(), groupsByPod.build(),
                    groupsChanged ? null : previousGroups);
        }

        /**
         * A pod's identity and UID from its first endpoint (services in order); its group from all of
         * them. A pod that backs no service is meshed only while it is a serviceless pod of the policy.
         */
        private void reindexPod(Ref pod) {
            SortedSet<Ref> services = servicesOfPod.getOrDefault(pod, new TreeSet<>());
            if (services.isEmpty()) {
                servicesOfPod.remove(pod);
                ServicelessPod alone = serviceless.get(pod);
                if (alone == null) {
                    pods.remove(pod);
                    groupsChanged |= groupsByPod.get(pod) != null;
                    groupsByPod.remove(pod);
                } else {
                    Identity identity = PolicyIndex.identity(alone.getIdentity());
                    pods.put(pod, new Pod(pod, alone.getPodUid(), identity));
                    group(pod, new ProxyGroup(identity, List.of(), List.of()));
                }
                return;
            }
            Pod first = null;
            Set<Integer> ports = new TreeSet<>();
            for (Ref service : services) {
                for (Endpoint e : endpoints.get(service).list) {
                    if (meshed(e) && Ref.of(e.getPod()).equals(pod)) {
                        if (first == null) {
                            first = new Pod(pod, e.getPodUid(), PolicyIndex.identity(e.getIdentity()));
                        }
                        e.getPortsList().forEach(p -> ports.add(p.getPort()));
                    }
                }
            }
            pods.put(pod, first);
            group(pod, new ProxyGroup(first.identity(), List.copyOf(services), List.copyOf(ports)));
        }

        private void group(Ref pod, ProxyGroup group) {
            if (!group.equals(groupsByPod.get(pod))) {
                groupsByPod.put(pod, group);
                groupsChanged = true;
            }
        }

        /** The set under {@code key}, copied on its first change in this step (the previous index shares it). */
        private static <K, V, S extends Set<V>> Set<V> writable(CowMap.Editor<K, S> sets, K key, Set<K> copied) {
            Set<V> current = sets.get(key);
            if (current != null && !copied.add(key)) {
                return current;
            }
            TreeSet<V> copy = current == null ? new TreeSet<>() : new TreeSet<>(current);
            @SuppressWarnings("unchecked")
            S stored = (S) copy;
            sets.put(key, stored);
            copied.add(key);
            return copy;
        }
    }
}
