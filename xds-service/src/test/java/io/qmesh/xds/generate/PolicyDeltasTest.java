package io.qmesh.xds.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.api.mesh.v1.EntryKey;
import io.qmesh.api.mesh.v1.EntryKind;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshPolicyDelta;
import io.qmesh.api.mesh.v1.PolicyEntry;
import org.junit.jupiter.api.Test;

class PolicyDeltasTest {

    @Test
    void deltaOfUpsertsAndRemovals_yieldsTheSamePolicyAndVersionAsTheFullOne() {
        MeshPolicy before = TestPolicies.pairs(3).build();
        MeshPolicy expected = TestPolicies.pairs(3)
                .setServices(0, TestPolicies.service("app", "s0", "10.96.9.9"))
                .removeAllowRules(2)
                .build();
        MeshPolicyDelta delta = MeshPolicyDelta.newBuilder().setBaseVersion(PolicyDeltas.version(before))
                .addUpserts(PolicyEntry.newBuilder().setService(TestPolicies.service("app", "s0", "10.96.9.9")))
                .addRemovals(EntryKey.newBuilder().setKind(EntryKind.ALLOW_RULE).setRef(TestPolicies.ref("app", "c2-to-s2")))
                .build();

        MeshPolicy after = PolicyDeltas.apply(before, delta);

        assertThat(after.getServicesList()).containsExactlyInAnyOrderElementsOf(expected.getServicesList());
        assertThat(after.getAllowRulesList()).containsExactlyElementsOf(expected.getAllowRulesList());
        assertThat(PolicyDeltas.version(after)).isEqualTo(PolicyDeltas.version(PolicyDeltas.apply(after,
                MeshPolicyDelta.getDefaultInstance())));
    }

    @Test
    void servicelessPods_areUpsertedAndRemovedByPod_inPodOrder() {
        MeshPolicy before = TestPolicies.pairs(1).addServicelessPods(TestPolicies.serviceless("jobs", "runner", "b-job"))
                .build();
        MeshPolicyDelta delta = MeshPolicyDelta.newBuilder()
                .addUpserts(PolicyEntry.newBuilder().setServicelessPod(TestPolicies.serviceless("jobs", "runner", "a-job")))
                .addRemovals(EntryKey.newBuilder().setKind(EntryKind.SERVICELESS_POD).setRef(TestPolicies.ref("jobs", "b-job")))
                .addUpserts(PolicyEntry.newBuilder().setServicelessPod(TestPolicies.serviceless("jobs", "runner", "c-job")))
                .build();

        MeshPolicy after = PolicyDeltas.apply(before, delta);

        assertThat(after.getServicelessPodsList()).extracting(p -> p.getPod().getName()).containsExactly("a-job", "c-job");
    }

    @Test
    void version_isAContentHashIndependentOfObjectIdentity() {
        assertThat(PolicyDeltas.version(TestPolicies.pairs(2).build()))
                .isEqualTo(PolicyDeltas.version(TestPolicies.pairs(2).build()))
                .startsWith("sha256:")
                .isNotEqualTo(PolicyDeltas.version(TestPolicies.pairs(3).build()));
    }
}
