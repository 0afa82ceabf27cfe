package io.qmesh.xds.serve;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * java-control-plane's {@link SimpleCache}, sharded by node group. {@code SimpleCache.setSnapshot}
 * holds the whole cache's lock while it answers the group's watches, so one cache sets a fleet-wide
 * update one group at a time on one core; shards let {@link #setSnapshots} run on every core. A
 * group always lives in the same shard, and its watches with it.
 */
final class ShardedCache implements ConfigWatcher {

    private final NodeGroup<String> groups;
    private final List<SimpleCache<String>> shards;

    ShardedCache(int shards, NodeGroup<String> groups) {
        this.groups = groups;
        this.shards = IntStream.range(0, shards).mapToObj(i -> new SimpleCache<>(groups)).toList();
    }

    private int shardIndex(String group) {
        return Math.floorMod(group.hashCode(), shards.size());
    }

    private SimpleCache<String> shardOf(String group) {
        return shards.get(shardIndex(group));
    }

    void setSnapshot(String group, Snapshot snapshot) {
        shardOf(group).setSnapshot(group, snapshot);
    }

    void clearSnapshot(String group) {
        shardOf(group).clearSnapshot(group);
    }

    /** Sets every snapshot, the shards in parallel; returns when all are set. */
    void setSnapshots(Map<String, ? extends Snapshot> snapshots) {
        List<List<Map.Entry<String, ? extends Snapshot>>> byShard = new ArrayList<>();
        shards.forEach(s -> byShard.add(new ArrayList<>()));
        snapshots.entrySet().forEach(e -> byShard.get(shardIndex(e.getKey())).add(e));
        IntStream.range(0, shards.size()).parallel().forEach(i -> byShard.get(i)
                .forEach(e -> shards.get(i).setSnapshot(e.getKey(), e.getValue())));
    }

    @Override
    public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
            Consumer<Response> responseConsumer, boolean hasClusterChanged, boolean allowDefaultEmptyEdsUpdate) {
        return shardOf(groups.hash(request.v3Request().getNode())).createWatch(ads, request, knownResourceNames,
                responseConsumer, hasClusterChanged, allowDefaultEmptyEdsUpdate);
    }

    @Override
    public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion, Map<String, String> resourceVersions,
            Set<String> pendingResources, boolean isWildcard, Consumer<DeltaResponse> responseConsumer,
            boolean hasClusterChanged) {
        return shardOf(groups.hash(request.v3Request().getNode())).createDeltaWatch(request, requesterVersion,
                resourceVersions, pendingResources, isWildcard, responseConsumer, hasClusterChanged);
    }
}
