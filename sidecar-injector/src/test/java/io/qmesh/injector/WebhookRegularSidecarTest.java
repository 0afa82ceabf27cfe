package io.qmesh.injector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.qmesh.injector.certs.TestCaResource;
import io.qmesh.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With native sidecars switched off by configuration, Envoy is a regular container placed first, whatever /version says. */
@QuarkusTest
@WithKubernetesTestServer(setup = ClusterSetup.class)
@QuarkusTestResource(TestCaResource.class)
@TestProfile(WebhookRegularSidecarTest.NoNativeSidecars.class)
class WebhookRegularSidecarTest {

    public static class NoNativeSidecars implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("qmesh.injector.sidecar.native-sidecars", "false");
        }
    }

    @Inject
    KubernetesClient client;
    @Inject
    WebhookServer server;

    String caBundle() {
        return client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName("qmesh-sidecar-injector").get().getWebhooks().get(0).getClientConfig().getCaBundle();
    }

    @Test
    void nativeSidecarsOff_envoyIsFirstRegularContainer() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> server.port() > 0 && caBundle() != null);
        String caBundle = caBundle();
        WebhookClient webhook = new WebhookClient(caBundle, server.port());

        JsonNode response = WebhookEndpointTest.JSON.readTree(webhook.post(WebhookServer.PATH,
                WebhookEndpointTest.review("uid-r", ClusterSetup.ENROLLED, WebhookEndpointTest.pod("web-r"))).body()).path("response");
        List<JsonNode> ops = WebhookEndpointTest.patch(response);

        JsonNode envoy = ops.stream().filter(o -> o.path("path").asText().equals("/spec/containers/0")).findFirst().orElseThrow();
        assertThat(envoy.path("value").path("name").asText()).isEqualTo("envoy");
        assertThat(envoy.path("value").has("restartPolicy")).isFalse();
        JsonNode inits = ops.stream().filter(o -> o.path("path").asText().equals("/spec/initContainers")).findFirst().orElseThrow();
        assertThat(inits.path("value")).hasSize(1);
    }
}
