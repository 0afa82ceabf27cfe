package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.AllowRule;
import io.qmesh.api.mesh.v1.EgressRule;
import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.IngressBackend;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshSettings;
import io.qmesh.api.mesh.v1.RetryPolicy;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServicePort;
import io.qmesh.api.mesh.v1.TrafficSplit;
import io.qmesh.api.mesh.v1.UpstreamTrafficSetting;
import io.qmesh.api.mesh.v1.WeightedBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A MeshPolicy indexed once for the many lookups generation does (Istio's push context): services,
 * endpoints, rules by destination and source identity, splits by apex, settings by service.
 */
public final class PolicyIndex {

    static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

    private final MeshPolicy policy;
    private final SortedMap<Ref, Service> services;
    private final EndpointIndex endpoints;
    private final Map<Identity, List<AllowRule>> rulesByDestination;
    private final Map<Identity, Set<Identity>> destinationsBySource;
    private final Map<Ref, TrafficSplit> splitsByApex;
    private final Map<Identity, List<RetryPolicy>> retriesBySource;
    private final Map<Ref, UpstreamTrafficSetting> settingsByService;
    private final Map<Ref, List<IngressBackend>> ingressByService;

    /**
     * Each section is built from its list of the policy, or taken from {@code previous} when that list
     * is unchanged (a cheap check: unchanged entries are the same objects); the maps are never
     * modified once built, so two indexes can share them.
     */
    private PolicyIndex(MeshPolicy policy, PolicyIndex previous) {
        this.policy = policy;
        java.util.function.Predicate<java.util.function.Function<MeshPolicy, List<?>>> unchanged =
                list -> previous != null && list.apply(previous.policy).equals(list.apply(policy));
        endpoints = (previous != null ? previous.endpoints : EndpointIndex.EMPTY)
                .next(policy.getEndpointsList(), policy.getServicelessPodsList());
        services = unchanged.test(MeshPolicy::getServicesList) ? previous.services
                : byKey(policy.getServicesList(), s -> Ref.of(s.getRef()));
        if (unchanged.test(MeshPolicy::getAllowRulesList)) {
            rulesByDestination = previous.rulesByDestination;
            destinationsBySource = previous.destinationsBySource;
        } else {
            rulesByDestination = new TreeMap<>();
            destinationsBySource = new TreeMap<>();
            for (AllowRule rule : policy.getAllowRulesList()) {
                rulesByDestination.computeIfAbsent(identity(rule.getDestination()), k -> new ArrayList<>()).add(rule);
                for (var source : rule.getSourcesList()) {
                    destinationsBySource.computeIfAbsent(identity(source), k -> new TreeSet<>())
                            .add(identity(rule.getDestination()));
                }
            }
        }
        splitsByApex = unchanged.test(MeshPolicy::getTrafficSplitsList) ? previous.splitsByApex
                : byKey(policy.getTrafficSplitsList(), s -> Ref.of(s.getApexService()));
        retriesBySource = unchanged.test(MeshPolicy::getRetryPoliciesList) ? previous.retriesBySource
                : grouped(policy.getRetryPoliciesList(), r -> List.of(identity(r.getSource())));
        settingsByService = unchanged.test(MeshPolicy::getUpstreamTrafficSettingsList) ? previous.settingsByService
                : byKey(policy.getUpstreamTrafficSettingsList(), u -> Ref.of(u.getService()));
        ingressByService = unchanged.test(MeshPolicy::getIngressBackendsList) ? previous.ingressByService
                : grouped(policy.getIngressBackendsList(), i -> i.getBackendsList().stream().map(t -> Ref.of(t.getService())).toList());
    }

    private static <K, T> SortedMap<K, T> byKey(List<T> items, java.util.function.Function<T, K> key) {
        SortedMap<K, T> result = new TreeMap<>();
        items.forEach(item -> result.put(key.apply(item), item));
        return result;
    }

    private static <K, T> Map<K, List<T>> grouped(List<T> items, java.util.function.Function<T, List<K>> keys) {
        Map<K, List<T>> result = new TreeMap<>();
        items.forEach(item -> keys.apply(item).forEach(k -> result.computeIfAbsent(k, x -> new ArrayList<>()).add(item)));
        return result;
    }

    public static PolicyIndex of(MeshPolicy policy) {
        return new PolicyIndex(policy, null);
    }

    /** The index of {@code next}, reusing this one's work for every part of the policy that did not change. */
    public PolicyIndex next(MeshPolicy next) {
        return new PolicyIndex(next, this);
    }

    public static Identity identity(io.qmesh.api.mesh.v1.Identity proto) {
        return Identity.of(proto.getNamespace(), proto.getServiceAccount());
    }

    public MeshPolicy policy() {
        return policy;
    }

    public MeshSettings settings() {
        return policy.getSettings();
    }

    public String trustDomain() {
        String domain = policy.getSettings().getTrustDomain();
        return domain.isEmpty() ? DEFAULT_TRUST_DOMAIN : domain;
    }

    public boolean permissive() {
        return policy.getSettings().getPermissiveTrafficPolicy();
    }

    public SortedMap<Ref, Service> services() {
        return services;
    }

    public Optional<Service> service(Ref ref) {
        return Optional.ofNullable(services.get(ref));
    }

    public List<Endpoint> endpoints(Ref service) {
        return endpoints.endpoints(service);
    }

    /** A service port's ClusterLoadAssignment, shared while the service's endpoints do not change. */
    ClusterLoadAssignment assignment(Ref service, ServicePort port, Supplier<ClusterLoadAssignment> build) {
        return endpoints.assignment(service, port, build);
    }

    public Set<Identity> identitiesOf(Ref service) {
        return endpoints.identitiesOf(service);
    }

    /** The services with an endpoint of this identity (whether or not the service itself is in the policy). */
    public Set<Ref> servicesBackedBy(Identity identity) {
        return endpoints.servicesBackedBy(identity);
    }

    public List<AllowRule> rulesTo(Identity destination) {
        return rulesByDestination.getOrDefault(destination, List.of());
    }

    /** Destination identities the source may call. */
    public Set<Identity> allowedDestinations(Identity source) {
        return destinationsBySource.getOrDefault(source, Set.of());
    }

    public Optional<TrafficSplit> splitOf(Ref apex) {
        return Optional.ofNullable(splitsByApex.get(apex));
    }

    /** The apex services of every TrafficSplit, sorted. */
    public Set<Ref> splitApexes() {
        return splitsByApex.keySet();
    }

    public List<Ref> splitBackends(Ref apex) {
        return splitOf(apex).map(s -> s.getBackendsList().stream().map(WeightedBackend::getService).map(Ref::of).toList())
                .orElse(List.of());
    }

    public List<RetryPolicy> retriesFrom(Identity source) {
        return retriesBySource.getOrDefault(source, List.of());
    }

    public Optional<UpstreamTrafficSetting> trafficSetting(Ref service) {
        return Optional.ofNullable(settingsByService.get(service));
    }

    public List<IngressBackend> ingressTo(Ref service) {
        return ingressByService.getOrDefault(service, List.of());
    }

    public List<EgressRule> egressFrom(Identity source) {
        return policy.getEgressRulesList().stream()
                .filter(r -> r.getSourcesList().stream().anyMatch(s -> identity(s).equals(source)))
                .toList();
    }

    public Map<Ref, Pod> pods() {
        return endpoints.pods();
    }

    /** The proxy group of every meshed pod: those the endpoints name, and the serviceless pods. */
    public Map<Ref, ProxyGroup> groupsByPod() {
        return endpoints.groupsByPod();
    }

    /** Every group once, sorted by key. */
    public Set<ProxyGroup> groups() {
        return endpoints.groups();
    }
}
