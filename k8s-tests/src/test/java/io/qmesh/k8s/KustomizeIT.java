package io.qmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmesh.testing.ExternalCommand;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `kubectl kustomize k8s/` and `kubectl apply -f k8s/` install the same objects. */
class KustomizeIT {

    static List<JsonNode> rendered;

    @BeforeAll
    static void render() {
        ExternalCommand.assumeInstalled("kubectl", "install kubectl 1.32 to check the manifests");
        ExternalCommand.Result result = ExternalCommand.run(Manifests.REPO, "kubectl", "kustomize", "k8s/");
        assertThat(result.succeeded()).as("kubectl kustomize k8s/: %s", result.stderr()).isTrue();
        rendered = Manifests.parse(result.stdout());
    }

    @Test
    void kustomize_rendersTheSameObjectsAsApplyingTheDirectory() {
        List<String> applied = Manifests.objects(Manifests.applyFiles()).stream().map(Manifests::id).sorted().toList();

        assertThat(rendered.stream().map(Manifests::id).sorted().toList()).isEqualTo(applied);
    }

    @Test
    void install_hasEveryPartOfTheControlPlane() {
        assertThat(rendered.stream().map(Manifests::id).toList()).contains(
                "Namespace/qmesh-system",
                "CustomResourceDefinition/traffictargets.access.smi-spec.io",
                "Deployment/qmesh-system/mesh-controller", "Deployment/qmesh-system/cert-manager-svc",
                "Deployment/qmesh-system/xds-service", "Deployment/qmesh-system/sidecar-injector",
                "MutatingWebhookConfiguration/qmesh-sidecar-injector");
    }

    @Test
    void applyOrder_createsCrdsAndNamespaceBeforeAnythingThatNeedsThem() {
        List<String> files = Manifests.applyFiles().stream().map(f -> f.getFileName().toString()).toList();

        assertThat(files.get(0)).isEqualTo("00-crds.yaml");
        assertThat(files.get(1)).isEqualTo("01-namespace.yaml");
    }

    @Test
    void images_inTheManifestsMatchTheKustomizationImages() {
        Map<String, String> inFiles = images(Manifests.objects(Manifests.applyFiles()));

        assertThat(images(rendered)).isEqualTo(inFiles).hasSize(4);
    }

    @Test
    void everyDeployment_runsHardenedWithProbesAndLimits() {
        rendered.stream().filter(o -> o.path("kind").asText().equals("Deployment")).forEach(deployment -> {
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(Manifests.id(deployment)).isTrue();
            assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
            for (JsonNode container : pod.path("containers")) {
                JsonNode security = container.path("securityContext");
                assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(Manifests.id(deployment)).isTrue();
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
                assertThat(security.path("capabilities").path("drop").toString()).contains("ALL");
                assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
                assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
                assertThat(container.path("resources").path("limits").has("memory")).isTrue();
                assertThat(container.path("resources").path("requests").has("cpu")).isTrue();
            }
        });
    }

    private static Map<String, String> images(List<JsonNode> objects) {
        Map<String, String> images = new TreeMap<>();
        objects.stream().filter(o -> o.path("kind").asText().equals("Deployment"))
                .flatMap(d -> StreamSupport.stream(d.path("spec").path("template").path("spec").path("containers").spliterator(), false))
                .forEach(c -> images.put(c.path("name").asText(), c.path("image").asText()));
        return images;
    }
}
