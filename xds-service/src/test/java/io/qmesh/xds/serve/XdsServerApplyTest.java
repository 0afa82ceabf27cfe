package io.qmesh.xds.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qmesh.api.mesh.v1.EgressRule;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.xds.generate.TestPolicies;
import io.qmesh.xds.policy.PolicyHolder;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** A policy that cannot be turned into configuration is reported, and the proxies keep what they have. */
class XdsServerApplyTest {

    @Test
    void policyThatCannotBeGenerated_isCountedAndLogged_andTheLastGoodOneStays() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PolicyHolder holder = new PolicyHolder();
        XdsServer server = new XdsServer(holder, new SecretStore(), new XdsMetrics(registry), 1);
        MeshPolicy good = TestPolicies.pairs(2).build();
        server.apply("v1", good).get();
        var snapshot = server.snapshot(XdsServerSecretsTest.C0).orElseThrow();
        // mesh-controller validates ranges; this one reaches xds-service only through a bug
        MeshPolicy broken = good.toBuilder().addEgressRules(EgressRule.newBuilder().setRef(TestPolicies.ref("client", "bad"))
                .addSources(TestPolicies.id("client", "c0")).addIpRanges("10.0.0.0/not-a-length")
                .addPorts(io.qmesh.api.mesh.v1.EgressPort.newBuilder().setNumber(443))).build();

        assertThatThrownBy(() -> server.apply("v2", broken).get()).isInstanceOf(ExecutionException.class);

        assertThat(registry.get("qmesh.xds.policy.apply.failures").counter().count()).isEqualTo(1);
        assertThat(holder.current().orElseThrow().version()).isEqualTo("v1");
        assertThat(server.snapshot(XdsServerSecretsTest.C0).orElseThrow()).isSameAs(snapshot);
        // the next good policy applies as usual
        server.apply("v3", good.toBuilder().setSettings(good.getSettings().toBuilder().setEgressEnabled(true)).build()).get();
        assertThat(holder.current().orElseThrow().version()).isEqualTo("v3");
    }
}
