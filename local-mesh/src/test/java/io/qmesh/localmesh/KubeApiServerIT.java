package io.qmesh.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory API server runs as a process of its own, stores objects and reviews tokens. */
class KubeApiServerIT {

    @Test
    void kubeApi_asProcess_storesObjectsAndReviewsTokens(@TempDir Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens.properties"),
                "xds-token=system:serviceaccount:qmesh-system:xds-service\n");
        try (Processes processes = new Processes(dir)) {
            Processes.Started api = processes.start("kube-api", List.of(Processes.java(), "-cp",
                    System.getProperty("java.class.path"), KubeApiServer.class.getName(), "--port=0", "--tokens=" + tokens), Map.of());
            String ready = processes.awaitOutput(api, line -> line.startsWith("kube-api ready"), Duration.ofSeconds(30));
            String url = ready.substring(ready.indexOf("url=") + 4);

            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(new ConfigBuilder().withMasterUrl(url).withTrustCerts(true).build()).build()) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bookstore")
                        .addToLabels("qmesh.io/monitored-by", "qmesh").endMetadata().build()).create();

                assertThat(client.namespaces().withName("bookstore").get().getMetadata().getLabels())
                        .containsEntry("qmesh.io/monitored-by", "qmesh");
                assertThat(review(client, "xds-token").getStatus().getUser().getUsername())
                        .isEqualTo("system:serviceaccount:qmesh-system:xds-service");
                assertThat(review(client, "forged").getStatus().getAuthenticated()).isFalse();
            }
        }
    }

    static TokenReview review(KubernetesClient client, String token) {
        return client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build()).create();
    }
}
