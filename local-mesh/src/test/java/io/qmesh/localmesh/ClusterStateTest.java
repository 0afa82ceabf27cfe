package io.qmesh.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ClusterStateTest {

    static final Path DEMO = Path.of("..", "bookstore-demo", "k8s");

    KubernetesClient client;

    @Test
    void registeredWorkload_getsPodAndSlicesOfEveryServiceSelectingIt_withItsRealPorts() {
        ClusterState cluster = new ClusterState(client);
        cluster.apply(DEMO.resolve("00-namespaces.yaml"));
        cluster.apply(DEMO.resolve("10-identities-and-services.yaml"));

        cluster.register(new ClusterState.Workload("bookstore", "bookstore-v1-local", "bookstore",
                Map.of("app", "bookstore", "version", "v1"), Map.of("http", 21001, "grpc", 21002)));

        assertThat(client.pods().inNamespace("bookstore").withName("bookstore-v1-local").get().getSpec().getServiceAccountName())
                .isEqualTo("bookstore");
        assertThat(client.discovery().v1().endpointSlices().inNamespace("bookstore").list().getItems())
                .extracting(s -> s.getMetadata().getLabels().get("kubernetes.io/service-name"))
                .containsExactlyInAnyOrder("bookstore", "bookstore-v1");
        EndpointSlice slice = client.discovery().v1().endpointSlices().inNamespace("bookstore").withName("bookstore-bookstore-v1-local").get();
        assertThat(slice.getPorts()).extracting(p -> p.getName() + "=" + p.getPort()).containsExactlyInAnyOrder("http=21001", "grpc=21002");
        assertThat(slice.getEndpoints().get(0).getTargetRef().getName()).isEqualTo("bookstore-v1-local");
    }

    @Test
    void apply_demoDeploymentsFilteredOut_leavesOnlyWhatLocalMeshNeeds() {
        ClusterState cluster = new ClusterState(client);

        var applied = cluster.apply(DEMO.resolve("20-deployments.yaml"), o -> !o.getKind().equals("Deployment"));

        assertThat(applied).isEmpty();
        assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
    }
}
