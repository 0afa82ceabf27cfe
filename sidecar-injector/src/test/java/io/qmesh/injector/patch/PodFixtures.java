package io.qmesh.injector.patch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.qmesh.api.MeshLabels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The golden pod fixtures under src/test/resources/golden/pods/, and the settings they are injected with. */
public final class PodFixtures {

    public static final Path ROOT = Path.of("src/test/resources/golden/pods");
    public static final String UUID = "5b0d9c62-7f1e-4c2a-9d3b-0a4e8f6c1d27";
    /** Fixture name -> whether the cluster runs native sidecars. */
    public static final Map<String, Boolean> CASES = Map.of(
            "plain", false,
            "with-probes", false,
            "with-init-containers", false,
            "with-exclusions", false,
            "already-injected", false,
            "job", false,
            "native-sidecar", true);

    public static final InjectionDecision.Namespace ENROLLED = new InjectionDecision.Namespace(
            Map.of(MeshLabels.MONITORED_BY, MeshLabels.DEFAULT_MESH_NAME),
            Map.of(MeshLabels.SIDECAR_INJECTION, InjectionDecision.ENABLED));

    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final YAMLMapper YAML = new YAMLMapper();

    private PodFixtures() {
    }

    public static SidecarSettings settings(boolean nativeSidecars) {
        return new SidecarSettings(MeshLabels.DEFAULT_MESH_NAME, MeshLabels.CONTROL_PLANE_NAMESPACE,
                "envoyproxy/envoy:v1.32.3", "qmesh/init:0.1.0", "info",
                new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("64Mi"))
                        .addToLimits("memory", new Quantity("256Mi")).build(),
                TrafficExclusions.fromLists(List.of(9999), List.of(), List.of("169.254.169.254/32"), List.of()).exclusions(),
                "xds-service.qmesh-system.svc", 15128, nativeSidecars);
    }

    public static Path podFile(String name) {
        return ROOT.resolve(name).resolve("pod.yaml");
    }

    public static Pod pod(String name) {
        try {
            return YAML.readValue(podFile(name).toFile(), Pod.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PodInjector.Outcome admit(String name) {
        Pod pod = pod(name);
        return PodInjector.admit(pod, pod.getMetadata().getNamespace(), ENROLLED, settings(CASES.get(name)), UUID);
    }

    /** The patch as the webhook sends it (pretty-printed for review), "[]" when nothing is injected. */
    public static String patchJson(PodInjector.Outcome outcome) {
        try {
            List<JsonPatchOp> ops = outcome instanceof PodInjector.Inject inject ? inject.patch() : List.of();
            return JSON.writeValueAsString(ops) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> names() {
        try (var dirs = Files.list(ROOT)) {
            return dirs.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
