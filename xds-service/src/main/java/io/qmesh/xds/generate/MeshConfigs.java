package io.qmesh.xds.generate;

import io.qmesh.api.mesh.v1.MeshPolicy;
import java.util.Collections;
import java.util.List;
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

    /**
     * The outcome of moving to a new policy: which groups were regenerated (or added) and removed, and
     * which failed to generate. A failed group keeps its previous configuration, if it had one, and is
     * generated again at every later step until it succeeds.
     */
    public record Step(MeshConfigs configs, SortedSet<String> regenerated, SortedSet<String> removed,
            SortedSet<String> changedKeys, SortedMap<String, RuntimeException> failed) {
    }

    private final PolicyIndex index;
    private final SortedMap<String, GroupConfig> byGroup;
    private final String keyPrefix;
    private final BiFunction<PolicyIndex, ProxyGroup, GroupConfig> generator;
    /** Groups whose configuration here is not the one their proxies should have: generated again at the next step. */
    private final Set<String> retry;

    private MeshConfigs(PolicyIndex index, SortedMap<String, GroupConfig> byGroup, String keyPrefix,
            BiFunction<PolicyIndex, ProxyGroup, GroupConfig> generator, Set<String> retry) {
        this.index = index;
        this.byGroup = Collections.unmodifiableSortedMap(byGroup);
        this.keyPrefix = keyPrefix;
        this.generator = generator;
        this.retry = Set.copyOf(retry);
    }

    /** Envoy sidecars' configurations. */
    public static MeshConfigs empty() {
        return new MeshConfigs(PolicyIndex.of(MeshPolicy.getDefaultInstance()), new TreeMap<>(), "", XdsGenerator::generate,
                Set.of());
    }

    /** Proxyless gRPC workloads' configurations. */
    public static MeshConfigs emptyProxyless() {
        return new MeshConfigs(PolicyIndex.of(MeshPolicy.getDefaultInstance()), new TreeMap<>(), PROXYLESS_PREFIX,
                ProxylessGenerator::generate, Set.of());
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
        Set<String> present = new java.util.HashSet<>();
        List<ProxyGroup> stale = new java.util.ArrayList<>();
        for (ProxyGroup group : nextIndex.groups()) {
            if (!include.test(group)) {
                continue;
            }
            String key = keyOf(group);
            present.add(key);
            GroupConfig previous = byGroup.get(key);
            if (previous == null || retry.contains(key) || !Collections.disjoint(previous.dependencies(), changed)) {
                stale.add(group);
            }
        }
        // groups are independent: a fleet-wide change generates them on every core
        List<Generated> generated = (stale.size() > 8 ? stale.parallelStream() : stale.stream())
                .map(group -> generate(nextIndex, group))
                .toList();
        SortedSet<String> regenerated = new TreeSet<>();
        SortedMap<String, RuntimeException> failed = new TreeMap<>();
        for (Generated g : generated) {
            if (g.config() != null) {
                nextGroups.put(g.key(), g.config());
                regenerated.add(g.key());
            } else {
                failed.put(g.key(), g.failure());
            }
        }
        SortedSet<String> removed = new TreeSet<>();
        byGroup.keySet().stream().filter(key -> !present.contains(key)).forEach(removed::add);
        nextGroups.keySet().removeAll(removed);
        return new Step(new MeshConfigs(nextIndex, nextGroups, keyPrefix, generator, failed.keySet()), regenerated, removed,
                changed, Collections.unmodifiableSortedMap(failed));
    }

    private record Generated(String key, GroupConfig config, RuntimeException failure) {
    }

    /** One group's configuration; a generator that throws fails this group only. */
    private Generated generate(PolicyIndex nextIndex, ProxyGroup group) {
        try {
            return new Generated(keyOf(group), generator.apply(nextIndex, group), null);
        } catch (RuntimeException e) {
            return new Generated(keyOf(group), null, e);
        }
    }

    /**
     * These configurations, with {@code keys} generated again at the next step: their configuration
     * here was not served (its snapshot was inconsistent), so an unrelated policy must still retry them.
     */
    public MeshConfigs retrying(Set<String> keys) {
        if (keys.isEmpty()) {
            return this;
        }
        Set<String> all = new java.util.HashSet<>(retry);
        all.addAll(keys);
        return new MeshConfigs(index, byGroup, keyPrefix, generator, all);
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
