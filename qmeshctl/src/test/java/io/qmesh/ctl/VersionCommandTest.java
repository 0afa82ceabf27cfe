package io.qmesh.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class VersionCommandTest {

    KubernetesClient client;

    @Test
    void version_withoutControlPlane_saysHowToInstall() {
        QmeshctlRun version = QmeshctlRun.run(() -> client, "version");

        assertThat(version.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(version.err()).contains("not installed").contains("kubectl apply -f k8s/");
    }

    @Test
    void version_showsClientAndEachServiceImageTag() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("qmesh-system").endMetadata().build()).create();
        client.apps().deployments().inNamespace("qmesh-system").resource(new DeploymentBuilder()
                .withNewMetadata().withName("xds-service").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("xds-service")
                .withImage("registry.example:5000/qmesh/xds-service:0.3.1").endContainer().endSpec().endTemplate().endSpec()
                .build()).create();

        QmeshctlRun version = QmeshctlRun.run(() -> client, "version", "-o", "yaml");

        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).contains("qmeshctl: 0.1.0-SNAPSHOT").contains("xds-service: 0.3.1")
                .contains("mesh-controller: not installed");
    }

    @Test
    void versionClient_needsNoCluster() {
        QmeshctlRun version = QmeshctlRun.run(() -> {
            throw new AssertionError("must not connect");
        }, "version", "--client");

        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).isEqualTo("qmeshctl: 0.1.0-SNAPSHOT\n");
    }
}
