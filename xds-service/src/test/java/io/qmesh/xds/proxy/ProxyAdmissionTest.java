package io.qmesh.xds.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.qmesh.api.Identity;
import io.qmesh.xds.generate.PolicyIndex;
import io.qmesh.xds.generate.TestPolicies;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxyAdmissionTest {

    static final PolicyIndex INDEX = PolicyIndex.of(TestPolicies.pairs(2).build());

    static Node node(String id, String ns, String name, String uid) {
        return Node.newBuilder().setId(id).setMetadata(Struct.newBuilder()
                .putFields(ProxyNode.POD_NAMESPACE, Value.newBuilder().setStringValue(ns).build())
                .putFields(ProxyNode.POD_NAME, Value.newBuilder().setStringValue(name).build())
                .putFields(ProxyNode.POD_UID, Value.newBuilder().setStringValue(uid).build())).build();
    }

    static ProxyAdmission.Decision admit(Node node, Optional<Identity> peer) {
        return ProxyAdmission.decide(ProxyNode.parse(node).node(), peer, INDEX);
    }

    @Test
    void podOfThePolicyWithMatchingCertificate_isAdmittedToItsGroup() {
        var decision = admit(node("app/s0-pod", "app", "s0-pod", "uid-s0-pod"), Optional.of(Identity.of("app", "s0")));

        assertThat(decision.admitted()).isTrue();
        assertThat(decision.group().key()).isEqualTo("app/s0[app/s0][8080]");
    }

    @Test
    void certificateOfAnotherIdentity_isRefused() {
        var decision = admit(node("app/s0-pod", "app", "s0-pod", "uid-s0-pod"), Optional.of(Identity.of("app", "s1")));

        assertThat(decision.admitted()).isFalse();
        assertThat(decision.refusal()).isEqualTo("client certificate identity app/s1 is not pod app/s0-pod's identity app/s0");
    }

    @Test
    void podUidOtherThanThePolicys_isRefused() {
        var decision = admit(node("app/s0-pod", "app", "s0-pod", "uid-of-a-deleted-pod"), Optional.empty());

        assertThat(decision.refusal()).contains("has UID uid-s0-pod, node metadata says uid-of-a-deleted-pod");
    }

    @Test
    void servicelessPodOfThePolicy_isAdmittedToAGroupWithoutServices_andItsUidIsChecked() {
        PolicyIndex index = PolicyIndex.of(TestPolicies.pairs(1).addServicelessPods(TestPolicies.serviceless("app", "s0", "job")).build());

        var admitted = ProxyAdmission.decide(ProxyNode.parse(node("app/job", "app", "job", "uid-job")).node(),
                Optional.of(Identity.of("app", "s0")), index);
        var stale = ProxyAdmission.decide(ProxyNode.parse(node("app/job", "app", "job", "uid-old")).node(), Optional.empty(), index);

        assertThat(admitted.group().key()).isEqualTo("app/s0[][]");
        assertThat(stale.refusal()).contains("has UID uid-job, node metadata says uid-old");
    }

    @Test
    void podMissingFromThePolicy_isRefused() {
        assertThat(admit(node("app/ghost", "app", "ghost", "u"), Optional.empty()).refusal())
                .isEqualTo("pod app/ghost is not a meshed pod of the mesh policy (neither an endpoint nor a serviceless pod)");
    }

    @Test
    void nodeIdDisagreeingWithMetadata_cannotBeParsed() {
        var parsed = ProxyNode.parse(node("app/s0-pod", "app", "s1-pod", "u"));

        assertThat(parsed.ok()).isFalse();
        assertThat(parsed.refusal()).contains("disagrees with node metadata pod app/s1-pod");
    }

    @Test
    void nodeIdWithoutNamespace_cannotBeParsed() {
        assertThat(ProxyNode.parse(Node.newBuilder().setId("s0-pod").build()).refusal())
                .isEqualTo("node.id 's0-pod' is not <pod-namespace>/<pod-name>");
    }
}
