package io.qmesh.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.testing.GoldenFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The CRD YAML under {@code k8s/crds/} is what the fabric8 CRD generator makes of the classes in
 * this module (it runs at {@code process-classes}). Refresh with {@code -Dgolden.update=true}.
 */
class CrdYamlTest {

    static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8");
    static final Path COMMITTED = Path.of("..", "k8s", "crds");
    /** All CRDs in one file that sorts first, so that {@code kubectl apply -f k8s/} creates them before anything else. */
    static final Path ALL_IN_ONE = Path.of("..", "k8s", "00-crds.yaml");

    @TestFactory
    Stream<DynamicTest> committedCrd_matchesGeneratedFromClasses() throws IOException {
        return generated().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
                () -> GoldenFiles.assertMatches(COMMITTED.resolve(committedName(file)), GoldenFiles.read(file))));
    }

    @Test
    void allInOneCrdFile_holdsEveryGeneratedCrd() throws IOException {
        StringBuilder all = new StringBuilder("# Generated from the CRD classes in mesh-api (make golden); one file per CRD in crds/.\n");
        for (Path file : generated()) {
            all.append("---\n").append(GoldenFiles.read(file));
        }
        GoldenFiles.assertMatches(ALL_IN_ONE, all.toString());
    }

    @Test
    void committedCrds_haveNoFileWithoutAClass() throws IOException {
        Set<String> expected = generated().stream().map(CrdYamlTest::committedName).collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(COMMITTED)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("files in k8s/crds/ that no CRD class generates")
                    .allMatch(expected::contains);
        }
    }

    @Test
    void generator_coversEveryMeshResourceKind() throws IOException {
        assertThat(generated()).extracting(f -> f.getFileName().toString()).containsExactlyInAnyOrder(
                "traffictargets.access.smi-spec.io-v1.yml",
                "httproutegroups.specs.smi-spec.io-v1.yml",
                "tcproutes.specs.smi-spec.io-v1.yml",
                "trafficsplits.split.smi-spec.io-v1.yml",
                "meshconfigs.config.qmesh.io-v1.yml",
                "retries.policy.qmesh.io-v1.yml",
                "upstreamtrafficsettings.policy.qmesh.io-v1.yml",
                "egresses.policy.qmesh.io-v1.yml",
                "ingressbackends.policy.qmesh.io-v1.yml");
    }

    /** {@code trafficsplits.split.smi-spec.io-v1.yml} becomes {@code trafficsplits.split.smi-spec.io.yaml}. */
    static String committedName(Path generated) {
        return generated.getFileName().toString().replace("-v1.yml", ".yaml");
    }

    static List<Path> generated() throws IOException {
        try (Stream<Path> files = Files.list(GENERATED)) {
            return files.filter(f -> f.toString().endsWith("-v1.yml")).sorted().toList();
        }
    }
}
