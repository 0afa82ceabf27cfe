package io.qmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmesh.testing.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Everything a user applies validates against the Kubernetes 1.34 schemas (npm kubernetes-models,
 * through tools/k8s-schema); custom resources against the openAPIV3Schema of qmesh's generated CRDs.
 */
class KubernetesSchemaIT {

    static final Path VALIDATOR = Manifests.REPO.resolve("tools/k8s-schema/validate.mjs");

    @BeforeAll
    static void tools() {
        ExternalCommand.assumeInstalled("node", "install Node.js 20 to validate manifests");
        ExternalCommand.assumeInstalled("kubectl", "install kubectl 1.32 to render the manifests");
        assumeTrue(Files.isDirectory(Manifests.REPO.resolve("tools/k8s-schema/node_modules/kubernetes-models")),
                "run `npm ci --prefix tools/k8s-schema` (.ci/run does) to validate manifests");
    }

    @Test
    void install_renderedByKustomize_isValid() {
        assertValid(validateStdin(kustomize("k8s/")));
    }

    @Test
    void addons_renderedByKustomize_areValid() {
        assertValid(validateStdin(kustomize("k8s/addons/")));
    }

    @Test
    void exampleResources_matchTheirCrdSchemas() {
        assertValid(ExternalCommand.run(Manifests.REPO, "node", VALIDATOR.toString(), "--crds", "k8s/crds", "k8s/examples"));
    }

    @Test
    void demoManifestsAndPolicies_areValid() {
        assertValid(ExternalCommand.run(Manifests.REPO, "node", VALIDATOR.toString(), "--crds", "k8s/crds",
                "bookstore-demo/k8s", "bookstore-demo/k8s/policies"));
    }

    @Test
    void validator_wrongTypeAndBadSplitWeight_areReportedByField() {
        String broken = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  replicas: "two"
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: nginx}]}
                ---
                apiVersion: split.smi-spec.io/v1alpha2
                kind: TrafficSplit
                metadata: {name: s, namespace: shop}
                spec: {service: web, backends: [{service: web-v1, weight: -5}]}
                """;
        ExternalCommand.Result result = ExternalCommand.runWithInput(Manifests.REPO, broken, "node", VALIDATOR.toString(),
                "--crds", "k8s/crds", "-");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout() + result.stderr()).contains("Deployment/shop/web").contains("replicas")
                .contains("TrafficSplit/shop/s").contains("weight");
    }

    @Test
    void validatorsOwnTests_pass() {
        ExternalCommand.Result result = ExternalCommand.run(Manifests.REPO.resolve("tools/k8s-schema"), "node", "--test", "test/");

        assertThat(result.exitCode()).as("node --test in tools/k8s-schema:%n%s%s", result.stdout(), result.stderr()).isZero();
    }

    private static String kustomize(String dir) {
        ExternalCommand.Result rendered = ExternalCommand.run(Manifests.REPO, "kubectl", "kustomize", dir);
        assertThat(rendered.succeeded()).as("kubectl kustomize %s: %s", dir, rendered.stderr()).isTrue();
        return rendered.stdout();
    }

    private static ExternalCommand.Result validateStdin(String yaml) {
        return ExternalCommand.runWithInput(Manifests.REPO, yaml, "node", VALIDATOR.toString(), "--crds", "k8s/crds", "-");
    }

    private static void assertValid(ExternalCommand.Result result) {
        assertThat(result.exitCode()).as("schema problems:%n%s%s", result.stdout(), result.stderr()).isZero();
    }
}
