package io.qmesh.injector.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.qmesh.injector.tools.ExternalTools;
import io.qmesh.testing.GoldenFiles;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each golden patch applied to its pod by Kubernetes' own client ({@code kubectl patch --local
 * --type=json}); the result is valid against the Kubernetes Pod schema (npm kubernetes-models) and,
 * admitted again, gets no patch.
 */
class GoldenPatchKubectlIT {

    @BeforeAll
    static void tools() {
        ExternalTools.assumeKubectl();
        ExternalTools.assumeSchemaTool();
    }

    static Stream<String> fixtures() {
        return PodFixtures.CASES.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void goldenPatch_appliedByKubectl_givesSchemaValidPodThatIsNotInjectedTwice(String name) throws Exception {
        String patch = GoldenFiles.read(PodFixtures.ROOT.resolve(name).resolve("patch.json"));
        ExternalTools.Run patched = ExternalTools.run(null, "kubectl", "patch", "--local", "--type=json",
                "-f", PodFixtures.podFile(name).toString(), "-p", patch, "-o", "yaml");
        assertThat(patched.exitCode()).as(patched.describe()).isZero();

        ExternalTools.Run schema = ExternalTools.validateSchema(patched.stdout());
        assertThat(schema.exitCode()).as(schema.describe()).isZero();

        Pod result = new YAMLMapper().readValue(patched.stdout(), Pod.class);
        assertThat(PodInjector.hasSidecar(result)).isTrue();
        PodInjector.Outcome again = PodInjector.admit(result, result.getMetadata().getNamespace(), PodFixtures.ENROLLED,
                PodFixtures.settings(PodFixtures.CASES.get(name)), "another-uuid");
        assertThat(again).isInstanceOf(PodInjector.Skip.class);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void podFixture_itself_isSchemaValid(String name) {
        ExternalTools.Run schema = ExternalTools.validateSchema(GoldenFiles.read(PodFixtures.podFile(name)));
        assertThat(schema.exitCode()).as(schema.describe()).isZero();
    }
}
