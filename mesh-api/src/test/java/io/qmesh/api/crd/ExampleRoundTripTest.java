package io.qmesh.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.qmesh.api.crd.config.MeshConfig;
import io.qmesh.api.crd.policy.Egress;
import io.qmesh.api.crd.policy.IngressBackend;
import io.qmesh.api.crd.policy.Retry;
import io.qmesh.api.crd.policy.UpstreamTrafficSetting;
import io.qmesh.api.crd.smi.HTTPRouteGroup;
import io.qmesh.api.crd.smi.TCPRoute;
import io.qmesh.api.crd.smi.TrafficSplit;
import io.qmesh.api.crd.smi.TrafficTarget;
import io.qmesh.testing.GoldenFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every example under {@code k8s/examples/} reads into its class and writes back to the same YAML: no field is lost. */
class ExampleRoundTripTest {

    static final Path EXAMPLES = Path.of("..", "k8s", "examples");

    static final List<Class<? extends MeshResource<?>>> KINDS = List.of(
            TrafficTarget.class, HTTPRouteGroup.class, TCPRoute.class, TrafficSplit.class, MeshConfig.class,
            Retry.class, UpstreamTrafficSetting.class, Egress.class, IngressBackend.class);

    @TestFactory
    Stream<DynamicTest> example_readAndWrittenBack_isUnchanged() throws IOException {
        return examples().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String yaml = GoldenFiles.read(file);
            JsonNode original = Serialization.unmarshal(yaml, JsonNode.class);
            Class<? extends MeshResource<?>> type = classFor(original.path("kind").asText());

            MeshResource<?> resource = Serialization.unmarshal(yaml, type);
            JsonNode written = Serialization.unmarshal(Serialization.asYaml(resource), JsonNode.class);

            assertThat(HasMetadata.getApiVersion(type)).isEqualTo(original.path("apiVersion").asText());
            assertThat(written).isEqualTo(original);
        }));
    }

    @Test
    void examples_coverEveryKind() throws IOException {
        List<String> kinds = examples().stream()
                .map(f -> Serialization.unmarshal(GoldenFiles.read(f), JsonNode.class).path("kind").asText())
                .toList();
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(KINDS.stream().map(HasMetadata::getKind).toList());
    }

    static Class<? extends MeshResource<?>> classFor(String kind) {
        return KINDS.stream().filter(k -> HasMetadata.getKind(k).equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no CRD class for kind " + kind));
    }

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }
}
