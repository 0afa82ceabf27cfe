package io.qmesh.xds.generate;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.qmesh.api.mesh.v1.EntryKey;
import io.qmesh.api.mesh.v1.EntryKind;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshPolicyDelta;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.PolicyEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * mesh.v1 versions and deltas: a policy's version is {@code sha256:<hex>} of its canonical
 * (deterministic) bytes; a delta upserts and removes keyed entries, each list kept sorted by key, so
 * the result's version can be checked against the one the controller announced.
 */
public final class PolicyDeltas {

    private PolicyDeltas() {
    }

    public static String version(MeshPolicy policy) {
        return "sha256:" + sha256(policy);
    }

    /** The SHA-256 (hex) of a message's canonical bytes (an update's content hash). */
    public static String sha256(Message message) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.getSerializedSize());
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization();
            message.writeTo(out);
            out.flush();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public static MeshPolicy apply(MeshPolicy base, MeshPolicyDelta delta) {
        MeshPolicy.Builder next = base.toBuilder();
        if (delta.hasSettings()) {
            next.setSettings(delta.getSettings());
        }
        List<PolicyEntry> upserts = delta.getUpsertsList();
        List<EntryKey> removals = delta.getRemovalsList();
        next.clearServices().addAllServices(merge(base.getServicesList(), upserts, EntryKind.SERVICE, removals,
                e -> e.hasService() ? e.getService() : null, s -> Ref.of(s.getRef())));
        next.clearEndpoints().addAllEndpoints(merge(base.getEndpointsList(), upserts, EntryKind.ENDPOINTS, removals,
                e -> e.hasEndpoints() ? e.getEndpoints() : null, s -> Ref.of(s.getService())));
        next.clearIdentities().addAllIdentities(merge(base.getIdentitiesList(), upserts, EntryKind.IDENTITY, removals,
                e -> e.hasIdentity() ? e.getIdentity() : null,
                i -> Ref.of(i.getIdentity().getNamespace(), i.getIdentity().getServiceAccount())));
        next.clearAllowRules().addAllAllowRules(merge(base.getAllowRulesList(), upserts, EntryKind.ALLOW_RULE, removals,
                e -> e.hasAllowRule() ? e.getAllowRule() : null, r -> Ref.of(r.getSource())));
        next.clearTrafficSplits().addAllTrafficSplits(merge(base.getTrafficSplitsList(), upserts, EntryKind.TRAFFIC_SPLIT,
                removals, e -> e.hasTrafficSplit() ? e.getTrafficSplit() : null, s -> Ref.of(s.getRef())));
        next.clearRetryPolicies().addAllRetryPolicies(merge(base.getRetryPoliciesList(), upserts, EntryKind.RETRY_POLICY,
                removals, e -> e.hasRetryPolicy() ? e.getRetryPolicy() : null, s -> Ref.of(s.getRef())));
        next.clearUpstreamTrafficSettings().addAllUpstreamTrafficSettings(merge(base.getUpstreamTrafficSettingsList(),
                upserts, EntryKind.UPSTREAM_TRAFFIC_SETTING, removals,
                e -> e.hasUpstreamTrafficSetting() ? e.getUpstreamTrafficSetting() : null, s -> Ref.of(s.getRef())));
        next.clearEgressRules().addAllEgressRules(merge(base.getEgressRulesList(), upserts, EntryKind.EGRESS_RULE,
                removals, e -> e.hasEgressRule() ? e.getEgressRule() : null, s -> Ref.of(s.getRef())));
        next.clearIngressBackends().addAllIngressBackends(merge(base.getIngressBackendsList(), upserts,
                EntryKind.INGRESS_BACKEND, removals, e -> e.hasIngressBackend() ? e.getIngressBackend() : null,
                s -> Ref.of(s.getRef())));
        next.clearServicelessPods().addAllServicelessPods(merge(base.getServicelessPodsList(), upserts,
                EntryKind.SERVICELESS_POD, removals, e -> e.hasServicelessPod() ? e.getServicelessPod() : null,
                p -> Ref.of(p.getPod())));
        next.clearDiagnostics().addAllDiagnostics(merge(base.getDiagnosticsList(), upserts, EntryKind.DIAGNOSTIC,
                removals, e -> e.hasDiagnostic() ? e.getDiagnostic() : null, d -> Ref.of(d.getResource())));
        return next.build();
    }

    private static <T> List<T> merge(List<T> base, List<PolicyEntry> upserts, EntryKind kind, List<EntryKey> removals,
            Function<PolicyEntry, T> item, Function<T, Ref> key) {
        Map<Ref, T> byKey = new TreeMap<>();
        base.forEach(t -> byKey.put(key.apply(t), t));
        for (EntryKey removal : removals) {
            if (removal.getKind() == kind) {
                ObjectRef ref = removal.getRef();
                byKey.remove(Ref.of(ref));
            }
        }
        for (PolicyEntry entry : upserts) {
            T t = item.apply(entry);
            if (t != null) {
                byKey.put(key.apply(t), t);
            }
        }
        return new ArrayList<>(byKey.values());
    }
}
