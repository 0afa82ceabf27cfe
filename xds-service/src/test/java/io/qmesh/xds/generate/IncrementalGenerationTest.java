package io.qmesh.xds.generate;

import static io.qmesh.xds.generate.TestPolicies.endpoint;
import static io.qmesh.xds.generate.TestPolicies.endpoints;
import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshSettings;
import java.util.Set;
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

    @Test
    void ingressControllerPodsMoving_regeneratesTheBackendsThatAllowThemBySourceService() {
        // an IngressBackend allowing the ingress controller's Service: its pods' IPs are the allowed sources
        MeshPolicy before = TestPolicies.pairs(2)
                .addServices(TestPolicies.service("ingress", "nginx", "10.96.9.9"))
                .addEndpoints(endpoints("ingress", "nginx", endpoint("ingress", "nginx", "nginx-pod", "10.9.0.1")))
                .addIngressBackends(io.qmesh.api.mesh.v1.IngressBackend.newBuilder().setRef(TestPolicies.ref("app", "s0-ingress"))
                        .addBackends(io.qmesh.api.mesh.v1.IngressTarget.newBuilder().setService(TestPolicies.ref("app", "s0"))
                                .setPort(TestPolicies.PORT))
                        .addSources(io.qmesh.api.mesh.v1.IngressSource.newBuilder().setService(TestPolicies.ref("ingress", "nginx"))))
                .build();
        int nginx = before.getEndpointsCount() - 1;
        MeshPolicy after = before.toBuilder()
                .setEndpoints(nginx, endpoints("ingress", "nginx", endpoint("ingress", "nginx", "nginx-pod-2", "10.9.0.2")))
                .build();

        MeshConfigs incremental = MeshConfigs.of(before).next(after).configs();
        MeshConfigs full = MeshConfigs.of(after);

        String s0 = "app/s0[app/s0][8080]";
        assertThat(full.groups().get(s0).listeners().toString()).contains("10.9.0.2");
        assertThat(incremental.groups().get(s0).sameResources(full.groups().get(s0)))
                .as("s0's inbound listener allows the ingress controller's new pod").isTrue();
    }

    @Test
    void servicelessPod_getsAGroupOfItsOwn_untilItBacksAService_andLeavesWithItsEntry() {
        MeshPolicy before = TestPolicies.pairs(2).build();
        // a job of identity client/c0 with no Service: it may call s0 as c0 may, and has no inbound listener
        MeshPolicy withJob = before.toBuilder().addServicelessPods(TestPolicies.serviceless("client", "c0", "job-1")).build();
        String jobGroup = "client/c0[][]";

        MeshConfigs.Step appeared = MeshConfigs.of(before).next(withJob);

        assertThat(appeared.regenerated()).containsExactly(jobGroup);
        assertThat(appeared.configs().groupOf(Ref.of("client", "job-1")).orElseThrow().key()).isEqualTo(jobGroup);
        GroupConfig job = appeared.configs().groups().get(jobGroup);
        assertThat(job.listeners()).extracting(l -> l.getName())
                .containsExactly(ResourceNames.OUTBOUND_LISTENER, ResourceNames.PROMETHEUS_LISTENER);
        assertThat(job.clusters()).extracting(c -> c.getName()).contains(ResourceNames.cluster(Ref.of("app", "s0"), 8080));
        assertThat(appeared.configs().pods().get(Ref.of("client", "job-1")).uid()).isEqualTo("uid-job-1");

        // the same pod becomes an endpoint of c0 (the controller then drops its serviceless entry)
        MeshPolicy backing = before.toBuilder()
                .setEndpoints(1, endpoints("client", "c0", endpoint("client", "c0", "c0-pod", "10.2.0.0"),
                        endpoint("client", "c0", "job-1", "10.2.0.9")))
                .build();
        MeshConfigs.Step joined = appeared.configs().next(backing);
        assertThat(joined.removed()).containsExactly(jobGroup);
        assertThat(joined.configs().groupOf(Ref.of("client", "job-1")).orElseThrow().key()).isEqualTo(CLIENT_0);

        MeshConfigs.Step gone = appeared.configs().next(before);
        assertThat(gone.removed()).containsExactly(jobGroup);
        assertThat(gone.configs().groupOf(Ref.of("client", "job-1"))).isEmpty();
        assertThat(gone.configs().pods()).doesNotContainKey(Ref.of("client", "job-1"));
    }

    @Test
    void podThatMayCallNothing_getsNoOutboundListener_whichEnvoyWouldRefuseEmpty() {
        MeshConfigs configs = MeshConfigs.of(TestPolicies.pairs(1).build());

        assertThat(configs.groups().get("app/s0[app/s0][8080]").listeners()).extracting(l -> l.getName())
                .containsExactly(ResourceNames.INBOUND_LISTENER, ResourceNames.PROMETHEUS_LISTENER);
    }

    @Test
    void groupThatFailsToGenerate_keepsItsConfiguration_whileTheOthersMoveOn_andIsRetriedAtEveryStep() {
        MeshPolicy before = TestPolicies.pairs(2).build();
        MeshConfigs configs = MeshConfigs.of(before);
        String client1 = "client/c1[client/c1][8080]";
        // mesh-controller validates ranges; this one reaches xds-service only through a bug
        MeshPolicy broken = before.toBuilder().addEgressRules(TestPolicies.badEgressRuleFor("c0"))
                .setSettings(MeshSettings.newBuilder(before.getSettings()).setEgressEnabled(true)).build();

        MeshConfigs.Step step = configs.next(broken);

        assertThat(step.failed()).containsOnlyKeys(CLIENT_0);
        assertThat(step.failed().get(CLIENT_0)).hasMessageContaining("'10.0.0.0/40'").hasMessageContaining("0-32");
        assertThat(step.regenerated()).doesNotContain(CLIENT_0).contains(client1);
        assertThat(step.configs().groups().get(CLIENT_0)).isSameAs(configs.groups().get(CLIENT_0));
        // a later change that does not touch c0 still retries it; once the rule is fixed it succeeds
        MeshPolicy unrelated = broken.toBuilder()
                .setEndpoints(2, endpoints("app", "s1", endpoint("app", "s1", "s1-pod", "10.1.0.77"))).build();
        MeshConfigs.Step retried = step.configs().next(unrelated);
        assertThat(retried.failed()).containsOnlyKeys(CLIENT_0);
        MeshConfigs.Step fixed = retried.configs().next(unrelated.toBuilder().removeEgressRules(0).build());
        assertThat(fixed.failed()).isEmpty();
        assertThat(fixed.regenerated()).contains(CLIENT_0);
        assertThat(fixed.configs().next(unrelated.toBuilder().removeEgressRules(0).build()).regenerated()).isEmpty();
    }

    @Test
    void groupMarkedForRetry_isRegeneratedByAPolicyThatDoesNotTouchIt() {
        MeshPolicy policy = TestPolicies.pairs(2).build();

        MeshConfigs.Step step = MeshConfigs.of(policy).retrying(Set.of(CLIENT_0)).next(policy);

        assertThat(step.regenerated()).containsExactly(CLIENT_0);
    }
}
