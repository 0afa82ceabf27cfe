package io.qmesh.xds.generate;

import io.qmesh.api.mesh.v1.MeshPolicy;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The configuration of every proxy group for one MeshPolicy, and the incremental step to the next
 * policy: only groups whose dependency keys intersect the policy's changes are regenerated. One
 * instance per kind of data plane: Envoy sidecars ({@link #empty()}) and proxyless gRPC workloads
 * ({@link #emptyProxyless()}, whose group keys start with {@value #PROXYLESS_PREFIX}).
 */
public final class MeshConfigs {

    public static final String PROXYLESS_PREFIX = "proxyless|";

    /** The outcome of moving to a new policy: which groups were regenerated, added and removed. */
    public record Step(MeshConfigs configs, SortedSet<String> regenerated, SortedSet<String> removed,
            SortedSet<String> changedKeys) {
    }

    private final PolicyIndex index;
    private final SortedMap<String, GroupConfig> byGroup;
    private final String keyPrefix;
    private final BiFunction<PolicyIndex, ProxyGroup, GroupConfig> generator;

    private MeshConfigs(PolicyIndex index, SortedMap<String, GroupConfig> byGroup, String keyPrefix,
            BiFunction<PolicyIndex, ProxyGroup, GroupConfig> generator) {
        this.index = index;
        this.byGroup = Collections.unmodifiableSortedMap(byGroup);
        this.keyPrefix = keyPrefix;
        this.generator = generator;
    }

    /** Envoy sidecars' configurations. */
    public static MeshConfigs empty() {
        return new MeshConfigs(PolicyIndex.of(MeshPolicy.getDefaultInstance()), new TreeMap<>(), "", XdsGenerator::generate);
    }

    /** Proxyless gRPC workloads' configurations. */
    public static MeshConfigs emptyProxyless() {
        return new MeshConfigs(PolicyIndex.of(MeshPolicy.getDefaultInstance()), new TreeMap<>(), PROXYLESS_PREFIX,
                ProxylessGenerator::generate);
    }

    public static MeshConfigs of(MeshPolicy policy) {
        return empty().next(policy).configs();
    }

    /** The snapshot key of a group in this data plane. */
    public String keyOf(ProxyGroup group) {
        return keyPrefix.isEmpty() ? group.key() : keyPrefix + group.key();
    }

    public PolicyIndex index() {
        return index;
    }

    public SortedMap<String, GroupConfig> groups() {
        return byGroup;
    }

    public Step next(MeshPolicy policy) {
        return next(policy, group -> true);
    }

    /** The step to {@code policy} for the groups {@code include} accepts (the others are dropped). */
    public Step next(MeshPolicy policy, java.util.function.Predicate<ProxyGroup> include) {
        PolicyIndex nextIndex = index.next(policy);
        SortedSet<String> changed = PolicyChanges.between(index.policy(), policy);
        // start from the previous configurations (a sorted copy is linear) and replace what changed
        SortedMap<String, GroupConfig> nextGroups = new TreeMap<>(byGroup);
        java.util.Set<String> present = new java.util.HashSet<>();
        SortedSet<String> regenerated = new TreeSet<>();
        java.util.List<ProxyGroup> stale = new java.util.ArrayList<>();
        for (ProxyGroup group : nextIndex.groups()) {
            if (!include.test(group)) {
                continue;
            }
            String key = keyOf(group);
            present.add(key);
            GroupConfig previous = byGroup.get(key);
            if (previous == null || !Collections.disjoint(previous.dependencies(), changed)) {
                stale.add(group);
                regenerated.add(key);
            }
        }
        // groups are independent: a fleet-wide change generates them on every core
        (stale.size() > 8 ? stale.parallelStream() : stale.stream())
                .map(group -> generator.apply(nextIndex, group))
                .toList()
                .forEach(config -> nextGroups.put(keyOf(config.group()), config));
        SortedSet<String> removed = new TreeSet<>();
        byGroup.keySet().stream().filter(key -> !present.contains(key)).forEach(removed::add);
        nextGroups.keySet().removeAll(removed);
        return new Step(new MeshConfigs(nextIndex, nextGroups, keyPrefix, generator), regenerated, removed, changed);
    }

    /** The group of a pod, as the policy's endpoints name it. */
    public java.util.Optional<ProxyGroup> groupOf(Ref pod) {
        return java.util.Optional.ofNullable(index.groupsByPod().get(pod));
    }

    public Set<String> keys() {
        return byGroup.keySet();
    }

    public Map<Ref, Pod> pods() {
        return index.pods();
    }
}
