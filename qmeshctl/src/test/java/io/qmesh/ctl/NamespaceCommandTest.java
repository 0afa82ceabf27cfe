package io.qmesh.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class NamespaceCommandTest {

    KubernetesClient client;

    @BeforeEach
    void namespaces() {
        for (String name : new String[] {"bookstore", "bookbuyer", "default"}) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        }
    }

    QmeshctlRun qmeshctl(String... args) {
        return QmeshctlRun.run(() -> client, args);
    }

    @Test
    void add_thenList_showsTheNamespaceWithInjectionEnabled() {
        QmeshctlRun add = qmeshctl("namespace", "add", "bookstore", "bookbuyer");
        QmeshctlRun list = qmeshctl("namespace", "list");

        assertThat(add.exitCode()).isZero();
        assertThat(add.out()).contains("namespace bookstore enrolled in mesh qmesh");
        assertThat(client.namespaces().withName("bookstore").get().getMetadata().getLabels())
                .containsEntry("qmesh.io/monitored-by", "qmesh");
        assertThat(list.out()).isEqualTo("""
                NAMESPACE   MESH    SIDECARINJECTION
                bookbuyer   qmesh   enabled
                bookstore   qmesh   enabled
                """);
    }

    @Test
    void list_asJson_isMachineReadable() {
        qmeshctl("namespace", "add", "--disable-sidecar-injection", "bookstore");

        assertThat(qmeshctl("namespace", "list", "-o", "json").out())
                .contains("\"namespace\" : \"bookstore\"").contains("\"sidecarInjection\" : \"disabled\"");
    }

    @Test
    void remove_releasesTheNamespace() {
        qmeshctl("namespace", "add", "bookstore");

        QmeshctlRun remove = qmeshctl("namespace", "remove", "bookstore");

        assertThat(remove.exitCode()).isZero();
        assertThat(client.namespaces().withName("bookstore").get().getMetadata().getLabels()).doesNotContainKey("qmesh.io/monitored-by");
        assertThat(qmeshctl("namespace", "list").out()).doesNotContain("bookstore");
    }

    @Test
    void add_missingNamespace_saysHowToCreateItAndExitsNotFound() {
        QmeshctlRun add = qmeshctl("namespace", "add", "nowhere");

        assertThat(add.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(add.err()).contains("namespace nowhere not found").contains("kubectl create namespace nowhere");
    }

    @Test
    void remove_namespaceNotEnrolled_isRefused() {
        QmeshctlRun remove = qmeshctl("namespace", "remove", "default");

        assertThat(remove.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(remove.err()).contains("not enrolled in mesh qmesh");
    }

    @Test
    void anyCommand_withoutReachableCluster_saysWhatWasTriedAndExitsUnreachable() {
        QmeshctlRun list = QmeshctlRun.run(() -> new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:1")
                        .withRequestRetryBackoffLimit(0).build()).build(), "namespace", "list");

        assertThat(list.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(list.err()).contains("listing enrolled namespaces").contains("127.0.0.1:1").contains("kubectl cluster-info");
    }
}
