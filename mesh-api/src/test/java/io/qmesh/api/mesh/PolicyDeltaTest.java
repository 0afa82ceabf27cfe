package io.qmesh.api.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmesh.api.mesh.v1.AllowRule;
import io.qmesh.api.mesh.v1.Diagnostic;
import io.qmesh.api.mesh.v1.EntryKey;
import io.qmesh.api.mesh.v1.EntryKind;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshPolicyDelta;
import io.qmesh.api.mesh.v1.MeshSettings;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.PolicyEntry;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServicelessPod;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The delta both sides of mesh.v1 use: mesh-controller makes it, xds-service applies it. */
class PolicyDeltaTest {

    static ObjectRef ref(String ns, String name) {
        return ObjectRef.newBuilder().setNamespace(ns).setName(name).build();
    }

    static Service service(String name, String clusterIp) {
        return Service.newBuilder().setRef(ref("app", name)).addClusterIps(clusterIp).build();
    }

    static AllowRule rule(String name) {
        return AllowRule.newBuilder().setSource(ref("app", name)).build();
    }

    static Diagnostic diagnostic(String kind, String name) {
        return Diagnostic.newBuilder().setResourceKind(kind).setResource(ref("app", name)).setReason("NotInMesh").build();
    }

    static MeshPolicy policy(List<Service> services, List<AllowRule> rules, List<Diagnostic> diagnostics) {
        List<PolicyEntry> entries = new java.util.ArrayList<>();
        services.forEach(s -> entries.add(PolicyEntry.newBuilder().setService(s).build()));
        rules.forEach(r -> entries.add(PolicyEntry.newBuilder().setAllowRule(r).build()));
        diagnostics.forEach(d -> entries.add(PolicyEntry.newBuilder().setDiagnostic(d).build()));
        return PolicyEntries.assemble(MeshSettings.getDefaultInstance(), entries);
    }

    @Test
    void upsertsAndRemovals_giveTheTargetPolicyAndItsVersion() {
        MeshPolicy before = policy(List.of(service("s0", "10.96.0.1"), service("s1", "10.96.0.2")),
                List.of(rule("r0"), rule("r1")), List.of());
        MeshPolicy after = policy(List.of(service("s0", "10.96.9.9"), service("s1", "10.96.0.2")), List.of(rule("r0")),
                List.of());

        MeshPolicyDelta delta = PolicyDelta.between(PolicyVersion.of(before), before, after);

        assertThat(delta.getUpsertsList()).containsExactly(PolicyEntry.newBuilder().setService(service("s0", "10.96.9.9")).build());
        assertThat(delta.getRemovalsList()).extracting(EntryKey::getKind).containsExactly(EntryKind.ALLOW_RULE);
        assertThat(PolicyVersion.of(PolicyDelta.apply(before, delta))).isEqualTo(PolicyVersion.of(after));
    }

    @Test
    void diagnosticsOfTwoKindsNamingOneResource_areKeptApart_andKeepTheCanonicalOrder() {
        // the canonical order is by kind first, so "app/z" of one kind precedes "app/a" of the next
        MeshPolicy before = policy(List.of(), List.of(), List.of(diagnostic("TrafficSplit.split.smi-spec.io", "z")));
        MeshPolicy after = policy(List.of(), List.of(), List.of(diagnostic("TrafficSplit.split.smi-spec.io", "z"),
                diagnostic("TrafficTarget.access.smi-spec.io", "a"), diagnostic("TrafficTarget.access.smi-spec.io", "z")));

        MeshPolicy applied = PolicyDelta.apply(before, PolicyDelta.between(PolicyVersion.of(before), before, after));

        assertThat(applied.getDiagnosticsList()).hasSize(3);
        assertThat(PolicyVersion.of(applied)).isEqualTo(PolicyVersion.of(after));
        MeshPolicyDelta removeOne = MeshPolicyDelta.newBuilder().addRemovals(EntryKey.newBuilder().setKind(EntryKind.DIAGNOSTIC)
                .setResourceKind("TrafficTarget.access.smi-spec.io").setRef(ref("app", "z"))).build();
        assertThat(PolicyDelta.apply(after, removeOne).getDiagnosticsList()).extracting(Diagnostic::getResourceKind)
                .containsExactly("TrafficSplit.split.smi-spec.io", "TrafficTarget.access.smi-spec.io");
    }

    @Test
    void servicelessPods_areUpsertedAndRemovedByPod_inPodOrder() {
        ServicelessPod b = ServicelessPod.newBuilder().setPod(ref("jobs", "b-job")).build();
        MeshPolicy before = PolicyEntries.assemble(MeshSettings.getDefaultInstance(),
                List.of(PolicyEntry.newBuilder().setServicelessPod(b).build()));
        MeshPolicyDelta delta = MeshPolicyDelta.newBuilder()
                .addUpserts(PolicyEntry.newBuilder().setServicelessPod(b.toBuilder().setPod(ref("jobs", "c-job"))))
                .addRemovals(EntryKey.newBuilder().setKind(EntryKind.SERVICELESS_POD).setRef(ref("jobs", "b-job")))
                .addUpserts(PolicyEntry.newBuilder().setServicelessPod(b.toBuilder().setPod(ref("jobs", "a-job"))))
                .build();

        assertThat(PolicyDelta.apply(before, delta).getServicelessPodsList()).extracting(p -> p.getPod().getName())
                .containsExactly("a-job", "c-job");
    }

    @Test
    void upsertWithoutAnItem_isRefused() {
        MeshPolicyDelta delta = MeshPolicyDelta.newBuilder().addUpserts(PolicyEntry.getDefaultInstance()).build();

        assertThatThrownBy(() -> PolicyDelta.apply(MeshPolicy.getDefaultInstance(), delta))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without an item");
    }
}
