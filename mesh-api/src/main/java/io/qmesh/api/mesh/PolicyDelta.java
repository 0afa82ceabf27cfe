package io.qmesh.api.mesh;

import io.qmesh.api.mesh.v1.EntryKey;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshPolicyDelta;
import io.qmesh.api.mesh.v1.PolicyEntry;
import java.util.Map;
import java.util.SortedMap;

/** The difference between two policies as keyed upserts and removals, and applying it. Pure. */
public final class PolicyDelta {

    private PolicyDelta() {
    }

    /** What turns {@code from} (at {@code baseVersion}) into {@code to}: changed or new entries, removed keys, settings if changed. */
    public static MeshPolicyDelta between(String baseVersion, MeshPolicy from, MeshPolicy to) {
        MeshPolicyDelta.Builder delta = MeshPolicyDelta.newBuilder().setBaseVersion(baseVersion);
        if (!from.getSettings().equals(to.getSettings())) {
            delta.setSettings(to.getSettings());
        }
        SortedMap<PolicyEntries.Key, PolicyEntry> before = PolicyEntries.entries(from);
        SortedMap<PolicyEntries.Key, PolicyEntry> after = PolicyEntries.entries(to);
        for (Map.Entry<PolicyEntries.Key, PolicyEntry> e : after.entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey()))) {
                delta.addUpserts(e.getValue());
            }
        }
        for (PolicyEntries.Key k : before.keySet()) {
            if (!after.containsKey(k)) {
                delta.addRemovals(k.toProto());
            }
        }
        return delta.build();
    }

    /** {@code base} with the delta applied; the result is canonical, so its version is the one the delta was made for. */
    public static MeshPolicy apply(MeshPolicy base, MeshPolicyDelta delta) {
        SortedMap<PolicyEntries.Key, PolicyEntry> entries = PolicyEntries.entries(base);
        for (EntryKey removed : delta.getRemovalsList()) {
            entries.remove(PolicyEntries.Key.of(removed));
        }
        for (PolicyEntry upsert : delta.getUpsertsList()) {
            entries.put(PolicyEntries.key(upsert), upsert);
        }
        return PolicyEntries.assemble(delta.hasSettings() ? delta.getSettings() : base.getSettings(), entries.values());
    }

    public static boolean isEmpty(MeshPolicyDelta delta) {
        return !delta.hasSettings() && delta.getUpsertsCount() == 0 && delta.getRemovalsCount() == 0;
    }
}
