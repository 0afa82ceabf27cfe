package io.qmesh.xds.generate;

import io.qmesh.api.mesh.v1.MeshPolicy;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration of every proxy group for one MeshPolicy, and the incremental step to the next
 * policy: only groups whose dependency keys intersect the policy's changes are regenerated.
 */
public final class MeshConfigs {

    /** The outcome of moving to a new policy: which groups were regenerated, added and removed. */
    public record Step(MeshConfigs configs, SortedSet<String> regenerated, SortedSet<String> removed,
            SortedSet<String> changedKeys) {
    }

    private final PolicyIndex index;
    private final SortedMap<String, GroupConfig> byGroup;

    private MeshConfigs(PolicyIndex index, SortedMap<String, GroupConfig> byGroup) {
        this.index = index;
        this.byGroup = Collections.unmodifiableSortedMap(byGroup);
    }

    public static MeshConfigs empty() {
        return new MeshConfigs(PolicyIndex.of(MeshPolicy.getDefaultInstance()), new TreeMap<>());
    }

    public static MeshConfigs of(MeshPolicy policy) {
        return empty().next(policy).configs();
    }

    public PolicyIndex index() {
        return index;
    }

    public SortedMap<String, GroupConfig> groups() {
        return byGroup;
    }

    public Step next(MeshPolicy policy) {
        PolicyIndex nextIndex = PolicyIndex.of(policy);
        SortedSet<String> changed = PolicyChanges.between(index.policy(), policy);
        SortedMap<String, GroupConfig> nextGroups = new TreeMap<>();
        SortedSet<String> regenerated = new TreeSet<>();
        java.util.List<ProxyGroup> stale = new java.util.ArrayList<>();
        for (ProxyGroup group : nextIndex.groups()) {
            GroupConfig previous = byGroup.get(group.key());
            if (previous != null && Collections.disjoint(previous.dependencies(), changed)) {
                nextGroups.put(group.key(), previous);
            } else {
                stale.add(group);
                regenerated.add(group.key());
            }
        }
        // groups are independent: a fleet-wide change generates them on every core
        (stale.size() > 8 ? stale.parallelStream() : stale.stream())
                .map(group -> XdsGenerator.generate(nextIndex, group))
                .toList()
                .forEach(config -> nextGroups.put(config.group().key(), config));
        SortedSet<String> removed = new TreeSet<>(byGroup.keySet());
        removed.removeAll(nextGroups.keySet());
        return new Step(new MeshConfigs(nextIndex, nextGroups), regenerated, removed, changed);
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
