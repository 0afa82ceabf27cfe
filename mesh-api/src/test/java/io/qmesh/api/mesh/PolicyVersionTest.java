package io.qmesh.api.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshSettings;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.Service;
import org.junit.jupiter.api.Test;

class PolicyVersionTest {

    static MeshPolicy policy(boolean permissive, String... services) {
        MeshPolicy.Builder policy = MeshPolicy.newBuilder()
                .setSettings(MeshSettings.newBuilder().setTrustDomain("cluster.local").setPermissiveTrafficPolicy(permissive));
        for (String name : services) {
            policy.addServices(Service.newBuilder().setRef(ObjectRef.newBuilder().setNamespace("bookstore").setName(name)));
        }
        return policy.build();
    }

    @Test
    void version_sameContentBuiltTwice_isEqual() {
        assertThat(PolicyVersion.of(policy(true, "bookstore", "bookwarehouse")))
                .isEqualTo(PolicyVersion.of(policy(true, "bookstore", "bookwarehouse")))
                .startsWith("sha256:")
                .hasSize("sha256:".length() + 64);
    }

    @Test
    void version_anyChangedField_differs() {
        String base = PolicyVersion.of(policy(true, "bookstore"));

        assertThat(PolicyVersion.of(policy(false, "bookstore"))).isNotEqualTo(base);
        assertThat(PolicyVersion.of(policy(true, "bookstore", "bookwarehouse"))).isNotEqualTo(base);
    }

    @Test
    void version_parsedFromItsOwnBytes_isUnchanged() throws Exception {
        MeshPolicy policy = policy(true, "bookstore");
        MeshPolicy reparsed = MeshPolicy.parseFrom(PolicyVersion.canonicalBytes(policy));

        assertThat(PolicyVersion.of(reparsed)).isEqualTo(PolicyVersion.of(policy));
    }
}
