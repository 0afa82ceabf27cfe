package io.qmesh.xds.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshSettings;
import io.qmesh.xds.generate.TestPolicies;
import io.qmesh.xds.policy.PolicyHolder;
import org.junit.jupiter.api.Test;

/**
 * A proxy group whose configuration cannot be generated keeps the snapshot it has, the rest of the
 * mesh moves on, and the failure shows in the metrics until a later policy fixes it.
 */
class XdsServerApplyTest {

    static final String C1 = "client/c1[client/c1][8080]";

    @Test
    void groupThatCannotBeGenerated_keepsItsSnapshot_isCounted_andRecoversWhenThePolicyIsFixed() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PolicyHolder holder = new PolicyHolder();
        XdsServer server = new XdsServer(holder, new SecretStore(), new XdsMetrics(registry), 1);
        MeshPolicy good = TestPolicies.pairs(2).build();
        server.apply("v1", good).get();
        GroupSnapshot c0 = server.snapshot(XdsServerSecretsTest.C0).orElseThrow();
        GroupSnapshot c1 = server.snapshot(C1).orElseThrow();
        MeshPolicy egress = good.toBuilder().setSettings(MeshSettings.newBuilder(good.getSettings()).setEgressEnabled(true))
                .build();

        server.apply("v2", egress.toBuilder().addEgressRules(TestPolicies.badEgressRuleFor("c0")).build()).get();

        assertThat(holder.current().orElseThrow().version()).isEqualTo("v2");
        assertThat(server.snapshot(XdsServerSecretsTest.C0).orElseThrow()).isSameAs(c0);
        assertThat(server.snapshot(C1).orElseThrow().listeners().version()).isNotEqualTo(c1.listeners().version());
        assertThat(registry.get("qmesh.xds.stale.groups").gauge().value()).isEqualTo(1);
        assertThat(registry.get("qmesh.xds.group.failures").tag("reason", "generate").counter().count()).isEqualTo(1);
        assertThat(registry.get("qmesh.xds.policy.apply.failures").counter().count()).isZero();

        server.apply("v3", egress).get();

        assertThat(server.snapshot(XdsServerSecretsTest.C0).orElseThrow().listeners().version())
                .isNotEqualTo(c0.listeners().version());
        assertThat(registry.get("qmesh.xds.stale.groups").gauge().value()).isZero();
        assertThat(registry.get("qmesh.xds.group.failures").tag("reason", "generate").counter().count()).isEqualTo(1);
    }
}
