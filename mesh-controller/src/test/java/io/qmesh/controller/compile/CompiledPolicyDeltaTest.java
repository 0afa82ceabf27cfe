package io.qmesh.controller.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.api.mesh.PolicyDelta;
import io.qmesh.api.mesh.PolicyEntries;
import io.qmesh.api.mesh.PolicyVersion;
import io.qmesh.api.mesh.v1.Diagnostic;
import io.qmesh.api.mesh.v1.EntryKind;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshPolicyDelta;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.PolicyEntry;
import io.qmesh.api.mesh.v1.TrafficSplit;
import io.qmesh.api.mesh.v1.WeightedBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deltas between policies the compiler made from the golden clusters. */
class CompiledPolicyDeltaTest {

    static final PolicyCompiler COMPILER = new PolicyCompiler(CompilerConfig.defaults());

    static MeshPolicy compiled(String goldenCase) {
        return COMPILER.compile(GoldenPolicyTest.inputs(goldenCase)).policy();
    }

    static MeshPolicy withSplitWeights(MeshPolicy policy, int v1, int v2) {
        TrafficSplit split = policy.getTrafficSplits(0).toBuilder().clearBackends()
                .addBackends(WeightedBackend.newBuilder().setService(ref("bookstore", "bookstore-v1")).setWeight(v1))
                .addBackends(WeightedBackend.newBuilder().setService(ref("bookstore", "bookstore-v2")).setWeight(v2))
                .build();
        return policy.toBuilder().setTrafficSplits(0, split).build();
    }

    static ObjectRef ref(String ns, String name) {
        return ObjectRef.newBuilder().setNamespace(ns).setName(name).build();
    }

    @Test
    void delta_changedSplitWeight_upsertsOnlyThatSplit() {
        MeshPolicy before = compiled("split");
        MeshPolicy after = withSplitWeights(before, 10, 90);

        MeshPolicyDelta delta = PolicyDelta.between(PolicyVersion.of(before), before, after);

        assertThat(delta.getBaseVersion()).isEqualTo(PolicyVersion.of(before));
        assertThat(delta.hasSettings()).isFalse();
        assertThat(delta.getRemovalsList()).isEmpty();
        assertThat(delta.getUpsertsList()).containsExactly(PolicyEntry.newBuilder().setTrafficSplit(after.getTrafficSplits(0)).build());
    }

    @Test
    void apply_deltaBetweenAnyTwoGoldenPolicies_givesTheNewPolicyAndVersion() {
        List<MeshPolicy> policies = new ArrayList<>();
        for (String c : List.of("permissive", "smi-http-allow-deny", "split", "split-conflict", "egress", "malformed-each-kind",
                "serviceless-pods")) {
            policies.add(compiled(c));
        }
        for (MeshPolicy from : policies) {
            for (MeshPolicy to : policies) {
                MeshPolicyDelta delta = PolicyDelta.between(PolicyVersion.of(from), from, to);

                MeshPolicy applied = PolicyDelta.apply(from, delta);

                assertThat(applied).isEqualTo(to);
                assertThat(PolicyVersion.of(applied)).isEqualTo(PolicyVersion.of(to));
            }
        }
    }

    @Test
    void delta_samePolicy_isEmpty() {
        MeshPolicy policy = compiled("malformed-each-kind");

        assertThat(PolicyDelta.isEmpty(PolicyDelta.between(PolicyVersion.of(policy), policy, policy))).isTrue();
    }

    @Test
    void delta_removedTrafficTarget_removesItsRuleAndDiagnosticByKey() {
        MeshPolicy before = compiled("smi-http-allow-deny");
        MeshPolicy after = compiled("permissive");

        MeshPolicyDelta delta = PolicyDelta.between(PolicyVersion.of(before), before, after);

        assertThat(delta.hasSettings()).as("permissive mode changed").isTrue();
        assertThat(delta.getRemovalsList()).extracting(k -> k.getKind() + " " + k.getResourceKind() + " "
                + k.getRef().getNamespace() + "/" + k.getRef().getName())
                .contains("ALLOW_RULE  bookstore/bookstore",
                        "DIAGNOSTIC TrafficTarget.access.smi-spec.io bookstore/stranger-to-bookstore");
    }

    @Test
    void entries_diagnosticsOfDifferentKindsWithOneName_keepBoth() {
        Diagnostic split = Diagnostic.newBuilder().setResourceKind("TrafficSplit.split.smi-spec.io")
                .setResource(ref("bookstore", "bookstore")).setReason("ZeroWeights").build();
        Diagnostic target = split.toBuilder().setResourceKind("TrafficTarget.access.smi-spec.io").setReason("NotInMesh").build();
        MeshPolicy policy = MeshPolicy.newBuilder().addDiagnostics(split).addDiagnostics(target).build();

        assertThat(PolicyEntries.entries(policy).keySet()).extracting(PolicyEntries.Key::kind)
                .containsExactly(EntryKind.DIAGNOSTIC, EntryKind.DIAGNOSTIC);
    }
}
