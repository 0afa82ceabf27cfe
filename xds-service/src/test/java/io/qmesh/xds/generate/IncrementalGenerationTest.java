package io.qmesh.xds.generate;

import static io.qmesh.xds.generate.TestPolicies.endpoint;
import static io.qmesh.xds.generate.TestPolicies.endpoints;
import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshSettings;
import org.junit.jupiter.api.Test;

class IncrementalGenerationTest {

    static final String CLIENT_0 = "client/c0[client/c0][8080]";

    @Test
    void singleEndpointChange_regeneratesOnlyTheGroupsThatRouteToIt() {
        MeshPolicy before = TestPolicies.pairs(3).build();
        MeshConfigs configs = MeshConfigs.of(before);
        MeshPolicy after = before.toBuilder()
                .setEndpoints(0, endpoints("app", "s0", endpoint("app", "s0", "s0-pod", "10.1.0.0"),
                        endpoint("app", "s0", "s0-pod-b", "10.1.0.100")))
                .build();

        MeshConfigs.Step step = configs.next(after);

        // s0-pod-b joins s0's existing group; only c0 routes to s0
        assertThat(step.regenerated()).containsExactly(CLIENT_0);
        assertThat(step.configs().groups().get(CLIENT_0).endpoints().toString()).contains("10.1.0.100");
        assertThat(step.configs().groups().get("client/c1[client/c1][8080]"))
                .isSameAs(configs.groups().get("client/c1[client/c1][8080]"));
    }

    @Test
    void unchangedPolicy_regeneratesNothing() {
        MeshPolicy policy = TestPolicies.pairs(3).build();

        MeshConfigs.Step step = MeshConfigs.of(policy).next(policy);

        assertThat(step.regenerated()).isEmpty();
        assertThat(step.removed()).isEmpty();
    }

    @Test
    void meshWideSettingChange_regeneratesEveryGroup() {
        MeshPolicy before = TestPolicies.pairs(2).build();
        MeshConfigs configs = MeshConfigs.of(before);

        MeshConfigs.Step step = configs.next(before.toBuilder()
                .setSettings(MeshSettings.newBuilder(before.getSettings()).setEgressEnabled(true)).build());

        assertThat(step.regenerated()).containsExactlyElementsOf(configs.groups().keySet());
    }

    @Test
    void regeneratedGroup_keepsTheVeryAssignmentsOfServicesWhoseEndpointsDidNotChange_andGetsANewOneOtherwise() {
        MeshPolicy before = TestPolicies.pairs(2).build();
        MeshConfigs configs = MeshConfigs.of(before);
        MeshPolicy egress = before.toBuilder()
                .setSettings(MeshSettings.newBuilder(before.getSettings()).setEgressEnabled(true)).build();
        MeshPolicy moved = egress.toBuilder()
                .setEndpoints(0, endpoints("app", "s0", endpoint("app", "s0", "s0-pod", "10.1.0.200"))).build();

        MeshConfigs afterEgress = configs.next(egress).configs();
        MeshConfigs afterMove = afterEgress.next(moved).configs();

        // shared instances are neither compared, hashed nor packed again when a group is regenerated
        assertThat(afterEgress.groups().get(CLIENT_0).endpoints().get(0))
                .isSameAs(configs.groups().get(CLIENT_0).endpoints().get(0));
        assertThat(afterMove.groups().get(CLIENT_0).endpoints().get(0))
                .isNotSameAs(afterEgress.groups().get(CLIENT_0).endpoints().get(0))
                .extracting(Object::toString).asString().contains("10.1.0.200");
    }

    @Test
    void newAllowRule_regeneratesTheSourceAndDestinationGroups() {
        MeshPolicy before = TestPolicies.pairs(3).build();
        MeshConfigs configs = MeshConfigs.of(before);

        MeshConfigs.Step step = configs.next(before.toBuilder().addAllowRules(TestPolicies.allow("app", "c1-to-s2",
                TestPolicies.id("client", "c1"), TestPolicies.id("app", "s2"))).build());

        assertThat(step.regenerated()).containsExactly("app/s2[app/s2][8080]", "client/c1[client/c1][8080]");
        assertThat(step.configs().groups().get("client/c1[client/c1][8080]").clusters().toString())
                .contains("app/s2|8080");
    }

    @Test
    void incrementalResult_equalsAFullRecompute() {
        MeshPolicy before = TestPolicies.pairs(4).build();
        MeshPolicy after = before.toBuilder()
                .setEndpoints(2, endpoints("app", "s1", endpoint("app", "s1", "s1-pod", "10.1.0.77")))
                .addAllowRules(TestPolicies.allow("app", "c3-to-s0", TestPolicies.id("client", "c3"),
                        TestPolicies.id("app", "s0")))
                .build();

        MeshConfigs incremental = MeshConfigs.of(before).next(after).configs();
        MeshConfigs full = MeshConfigs.of(after);

        assertThat(incremental.keys()).isEqualTo(full.keys());
        full.groups().forEach((key, config) ->
                assertThat(incremental.groups().get(key).sameResources(config)).as(key).isTrue());
    }
}
