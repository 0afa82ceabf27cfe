package io.qmesh.xds.generate;

import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.AllowRule;
import io.qmesh.api.mesh.v1.EgressRule;
import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.IngressBackend;
import io.qmesh.api.mesh.v1.IngressTarget;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshSettings;
import io.qmesh.api.mesh.v1.RetryPolicy;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServiceEndpoints;
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

/**
 * A MeshPolicy indexed once for the many lookups generation does (Istio's push context): services,
 * endpoints, rules by destination and source identity, splits by apex, settings by service.
 */
public final class PolicyIndex {

    static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

    private final MeshPolicy policy;
    private final SortedMap<Ref, Service> services = new TreeMap<>();
    private final Map<Ref, List<Endpoint>> endpoints = new TreeMap<>();
    private final Map<Ref, Set<Identity>> identitiesOfService = new TreeMap<>();
    private final Map<Identity, List<AllowRule>> rulesByDestination = new TreeMap<>();
    private final Map<Identity, Set<Identity>> destinationsBySource = new TreeMap<>();
    private final Map<Ref, TrafficSplit> splitsByApex = new TreeMap<>();
    private final Map<Identity, List<RetryPolicy>> retriesBySource = new TreeMap<>();
    private final Map<Ref, UpstreamTrafficSetting> settingsByService = new TreeMap<>();
    private final Map<Ref, List<IngressBackend>> ingressByService = new TreeMap<>();
    private final SortedMap<Ref, Pod> pods = new TreeMap<>();
    private final SortedMap<Ref, ProxyGroup> groupsByPod = new TreeMap<>();

    private PolicyIndex(MeshPolicy policy) {
        this.policy = policy;
        policy.getServicesList().forEach(s -> services.put(Ref.of(s.getRef()), s));
        for (ServiceEndpoints se : policy.getEndpointsList()) {
            Ref service = Ref.of(se.getService());
            endpoints.put(service, List.copyOf(se.getEndpointsList()));
            Set<Identity> ids = identitiesOfService.computeIfAbsent(service, k -> new TreeSet<>());
            se.getEndpointsList().stream().filter(Endpoint::hasIdentity).forEach(e -> ids.add(identity(e.getIdentity())));
        }
        for (AllowRule rule : policy.getAllowRulesList()) {
            rulesByDestination.computeIfAbsent(identity(rule.getDestination()), k -> new ArrayList<>()).add(rule);
            for (var source : rule.getSourcesList()) {
                destinationsBySource.computeIfAbsent(identity(source), k -> new TreeSet<>()).add(identity(rule.getDestination()));
            }
        }
        policy.getTrafficSplitsList().forEach(s -> splitsByApex.put(Ref.of(s.getApexService()), s));
        for (RetryPolicy retry : policy.getRetryPoliciesList()) {
            retriesBySource.computeIfAbsent(identity(retry.getSource()), k -> new ArrayList<>()).add(retry);
        }
        policy.getUpstreamTrafficSettingsList().forEach(u -> settingsByService.put(Ref.of(u.getService()), u));
        for (IngressBackend ingress : policy.getIngressBackendsList()) {
            for (IngressTarget target : ingress.getBackendsList()) {
                ingressByService.computeIfAbsent(Ref.of(target.getService()), k -> new ArrayList<>()).add(ingress);
            }
        }
        indexPods();
    }

    public static PolicyIndex of(MeshPolicy policy) {
        return new PolicyIndex(policy);
    }

    private void indexPods() {
        Map<Ref, Set<Ref>> servicesOfPod = new TreeMap<>();
        Map<Ref, Set<Integer>> portsOfPod = new TreeMap<>();
        for (Map.Entry<Ref, List<Endpoint>> entry : endpoints.entrySet()) {
            for (Endpoint e : entry.getValue()) {
                if (!e.hasPod() || !e.hasIdentity() || e.getIdentity().getServiceAccount().isEmpty()) {
                    continue;
                }
                Ref pod = Ref.of(e.getPod());
                pods.putIfAbsent(pod, new Pod(pod, e.getPodUid(), identity(e.getIdentity())));
                servicesOfPod.computeIfAbsent(pod, k -> new TreeSet<>()).add(entry.getKey());
                Set<Integer> ports = portsOfPod.computeIfAbsent(pod, k -> new TreeSet<>());
                e.getPortsList().forEach(p -> ports.add(p.getPort()));
            }
        }
        pods.forEach((ref, pod) -> groupsByPod.put(ref, new ProxyGroup(pod.identity(),
                List.copyOf(servicesOfPod.get(ref)), List.copyOf(portsOfPod.get(ref)))));
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
        return endpoints.getOrDefault(service, List.of());
    }

    public Set<Identity> identitiesOf(Ref service) {
        return identitiesOfService.getOrDefault(service, Set.of());
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

    public SortedMap<Ref, Pod> pods() {
        return pods;
    }

    /** The proxy group of every meshed pod named by the endpoints. */
    public SortedMap<Ref, ProxyGroup> groupsByPod() {
        return groupsByPod;
    }

    public Set<ProxyGroup> groups() {
        Set<ProxyGroup> result = new TreeSet<>(java.util.Comparator.comparing(ProxyGroup::key));
        result.addAll(groupsByPod.values());
        return result;
    }
}
