package io.qmesh.xds.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.Resources;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.xds.generate.MeshConfigs;
import io.qmesh.xds.generate.TestPolicies;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupSnapshotTest {

    static final String CLIENT = "client/c0[client/c0][8080]";

    @Test
    void sameConfig_hasTheSameVersionsAfterARestart() {
        MeshConfigs a = MeshConfigs.of(TestPolicies.pairs(2).build());
        MeshConfigs b = MeshConfigs.of(TestPolicies.pairs(2).build());

        GroupSnapshot first = GroupSnapshot.of(a.groups().get(CLIENT), List.of(), null);
        GroupSnapshot second = GroupSnapshot.of(b.groups().get(CLIENT), List.of(), null);

        for (Resources.ResourceType type : Resources.ResourceType.values()) {
            assertThat(first.version(type)).as(type.name()).isEqualTo(second.version(type));
        }
    }

    @Test
    void endpointChange_changesOnlyThatAssignmentsVersion_andReusesTheRest() {
        MeshPolicy before = TestPolicies.pairs(2).build();
        MeshConfigs configs = MeshConfigs.of(before);
        GroupSnapshot old = GroupSnapshot.of(configs.groups().get(CLIENT), List.of(), null);
        MeshConfigs next = configs.next(before.toBuilder().setEndpoints(0, TestPolicies.endpoints("app", "s0",
                TestPolicies.endpoint("app", "s0", "s0-pod", "10.1.0.99"))).build()).configs();

        GroupSnapshot updated = GroupSnapshot.of(next.groups().get(CLIENT), List.of(), old);

        assertThat(updated.endpoints().version()).isNotEqualTo(old.endpoints().version());
        assertThat(updated.clusters().version()).isEqualTo(old.clusters().version());
        assertThat(updated.listeners().versionedResources().get("outbound-listener"))
                .isSameAs(old.listeners().versionedResources().get("outbound-listener"));
    }
}
