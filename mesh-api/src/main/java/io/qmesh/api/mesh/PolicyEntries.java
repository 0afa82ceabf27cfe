package io.qmesh.api.mesh;

import io.qmesh.api.mesh.v1.EntryKey;
import io.qmesh.api.mesh.v1.EntryKind;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshSettings;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.PolicyEntry;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A MeshPolicy as keyed entries, and back: the keys mesh.v1 deltas upsert and remove by.
 * {@link #assemble} is the one place that orders a policy's lists, so a compiled policy and one
 * rebuilt from a delta have the same bytes and the same version.
 */
public final class PolicyEntries {

    /** An entry's identity: its kind and the ObjectRef the proto documents as its key. */
    public record Key(EntryKind kind, String resourceKind, String namespace, String name) implements Comparable<Key> {

        private static final Comparator<Key> ORDER = Comparator.comparing(Key::kind)
                .thenComparing(Key::resourceKind).thenComparing(Key::namespace).thenComparing(Key::name);

        @Override
        public int compareTo(Key o) {
            return ORDER.compare(this, o);
        }

        public EntryKey toProto() {
            return EntryKey.newBuilder().setKind(kind).setResourceKind(resourceKind)
                    .setRef(ObjectRef.newBuilder().setNamespace(namespace).setName(name)).build();
        }

        public static Key of(EntryKey key) {
            return new Key(key.getKind(), key.getResourceKind(), key.getRef().getNamespace(), key.getRef().getName());
        }

        @Override
        public String toString() {
            return kind + (resourceKind.isEmpty() ? "" : " " + resourceKind) + " " + namespace + "/" + name;
        }
    }

    private PolicyEntries() {
    }

    public static Key key(PolicyEntry e) {
        return switch (e.getItemCase()) {
            case SERVICE -> key(EntryKind.SERVICE, e.getService().getRef());
            case ENDPOINTS -> key(EntryKind.ENDPOINTS, e.getEndpoints().getService());
            case IDENTITY -> new Key(EntryKind.IDENTITY, "", e.getIdentity().getIdentity().getNamespace(),
                    e.getIdentity().getIdentity().getServiceAccount());
            case ALLOW_RULE -> key(EntryKind.ALLOW_RULE, e.getAllowRule().getSource());
            case TRAFFIC_SPLIT -> key(EntryKind.TRAFFIC_SPLIT, e.getTrafficSplit().getRef());
            case RETRY_POLICY -> key(EntryKind.RETRY_POLICY, e.getRetryPolicy().getRef());
            case UPSTREAM_TRAFFIC_SETTING -> key(EntryKind.UPSTREAM_TRAFFIC_SETTING, e.getUpstreamTrafficSetting().getRef());
            case EGRESS_RULE -> key(EntryKind.EGRESS_RULE, e.getEgressRule().getRef());
            case INGRESS_BACKEND -> key(EntryKind.INGRESS_BACKEND, e.getIngressBackend().getRef());
            case DIAGNOSTIC -> new Key(EntryKind.DIAGNOSTIC, e.getDiagnostic().getResourceKind(),
                    e.getDiagnostic().getResource().getNamespace(), e.getDiagnostic().getResource().getName());
            case SERVICELESS_POD -> key(EntryKind.SERVICELESS_POD, e.getServicelessPod().getPod());
            case ITEM_NOT_SET -> throw new IllegalArgumentException("policy entry without an item");
        };
    }

    private static Key key(EntryKind kind, ObjectRef ref) {
        return new Key(kind, "", ref.getNamespace(), ref.getName());
    }

    /** Every keyed item of a policy, in key order. */
    public static SortedMap<Key, PolicyEntry> entries(MeshPolicy p) {
        TreeMap<Key, PolicyEntry> out = new TreeMap<>();
        List<PolicyEntry> all = new java.util.ArrayList<>();
        p.getServicesList().forEach(x -> all.add(PolicyEntry.newBuilder().setService(x).build()));
        p.getEndpointsList().forEach(x -> all.add(PolicyEntry.newBuilder().setEndpoints(x).build()));
        p.getIdentitiesList().forEach(x -> all.add(PolicyEntry.newBuilder().setIdentity(x).build()));
        p.getAllowRulesList().forEach(x -> all.add(PolicyEntry.newBuilder().setAllowRule(x).build()));
        p.getTrafficSplitsList().forEach(x -> all.add(PolicyEntry.newBuilder().setTrafficSplit(x).build()));
        p.getRetryPoliciesList().forEach(x -> all.add(PolicyEntry.newBuilder().setRetryPolicy(x).build()));
        p.getUpstreamTrafficSettingsList().forEach(x -> all.add(PolicyEntry.newBuilder().setUpstreamTrafficSetting(x).build()));
        p.getEgressRulesList().forEach(x -> all.add(PolicyEntry.newBuilder().setEgressRule(x).build()));
        p.getIngressBackendsList().forEach(x -> all.add(PolicyEntry.newBuilder().setIngressBackend(x).build()));
        p.getDiagnosticsList().forEach(x -> all.add(PolicyEntry.newBuilder().setDiagnostic(x).build()));
        p.getServicelessPodsList().forEach(x -> all.add(PolicyEntry.newBuilder().setServicelessPod(x).build()));
        for (PolicyEntry e : all) {
            if (out.put(key(e), e) != null) {
                throw new IllegalArgumentException("policy holds two entries with key " + key(e));
            }
        }
        return out;
    }

    /** The canonical policy: settings, then every list in key order. Entries with equal keys are a bug. */
    public static MeshPolicy assemble(MeshSettings settings, Collection<PolicyEntry> entries) {
        TreeMap<Key, PolicyEntry> sorted = new TreeMap<>();
        for (PolicyEntry e : entries) {
            if (sorted.put(key(e), e) != null) {
                throw new IllegalArgumentException("two entries with key " + key(e));
            }
        }
        MeshPolicy.Builder p = MeshPolicy.newBuilder().setSettings(settings);
        for (PolicyEntry e : sorted.values()) {
            switch (e.getItemCase()) {
                case SERVICE -> p.addServices(e.getService());
                case ENDPOINTS -> p.addEndpoints(e.getEndpoints());
                case IDENTITY -> p.addIdentities(e.getIdentity());
                case ALLOW_RULE -> p.addAllowRules(e.getAllowRule());
                case TRAFFIC_SPLIT -> p.addTrafficSplits(e.getTrafficSplit());
                case RETRY_POLICY -> p.addRetryPolicies(e.getRetryPolicy());
                case UPSTREAM_TRAFFIC_SETTING -> p.addUpstreamTrafficSettings(e.getUpstreamTrafficSetting());
                case EGRESS_RULE -> p.addEgressRules(e.getEgressRule());
                case INGRESS_BACKEND -> p.addIngressBackends(e.getIngressBackend());
                case DIAGNOSTIC -> p.addDiagnostics(e.getDiagnostic());
                case SERVICELESS_POD -> p.addServicelessPods(e.getServicelessPod());
                case ITEM_NOT_SET -> throw new IllegalArgumentException("policy entry without an item");
            }
        }
        return p.build();
    }
}
