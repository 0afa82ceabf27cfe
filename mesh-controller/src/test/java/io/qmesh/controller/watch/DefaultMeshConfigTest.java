package io.qmesh.controller.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.qmesh.api.crd.config.MeshConfig;
import org.junit.jupiter.api.Test;

/** The default MeshConfig against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class DefaultMeshConfigTest {

    KubernetesClient client;

    private MeshConfig read() {
        return client.resources(MeshConfig.class).inNamespace("qmesh-system").withName("qmesh-mesh-config").get();
    }

    @Test
    void absent_isCreatedInSmiModeWithEgressOffAnd24hCertificates() {
        DefaultMeshConfig.ensure(client, "qmesh-system", "qmesh-mesh-config");

        MeshConfig created = read();
        assertThat(created).isNotNull();
        assertThat(created.getSpec().traffic.enablePermissiveTrafficPolicyMode).isFalse();
        assertThat(created.getSpec().traffic.enableEgress).isFalse();
        assertThat(created.getSpec().certificate.serviceCertValidityDuration).isEqualTo("24h");
    }

    @Test
    void existing_isNeverTouched() {
        MeshConfig mine = DefaultMeshConfig.of("qmesh-system", "qmesh-mesh-config");
        mine.getSpec().traffic.enablePermissiveTrafficPolicyMode = true;
        mine.getMetadata().setLabels(null);
        client.resources(MeshConfig.class).inNamespace("qmesh-system").resource(mine).create();

        DefaultMeshConfig.ensure(client, "qmesh-system", "qmesh-mesh-config");

        MeshConfig after = read();
        assertThat(after.getSpec().traffic.enablePermissiveTrafficPolicyMode).isTrue();
        assertThat(after.getMetadata().getLabels()).isNullOrEmpty();
    }
}
