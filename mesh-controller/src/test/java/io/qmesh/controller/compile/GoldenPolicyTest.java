package io.qmesh.controller.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.qmesh.controller.KubeYaml;
import io.qmesh.testing.GoldenFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each directory under {@code golden/} is a case: {@code golden/cluster.yaml} plus the case's
 * {@code input.yaml} are compiled; {@code policy.yaml} holds the expected MeshPolicy and
 * {@code status.yaml} the Accepted condition of every custom resource. {@code -Dgolden.update=true} rewrites them.
 */
class GoldenPolicyTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(GOLDEN)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    static MeshInputs inputs(String name) {
        List<HasMetadata> objects = new ArrayList<>(KubeYaml.read(GoldenFiles.read(GOLDEN.resolve("cluster.yaml"))));
        objects.addAll(KubeYaml.read(GoldenFiles.read(GOLDEN.resolve(name).resolve("input.yaml"))));
        return MeshInputs.of(objects);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compile_goldenCase_matchesPolicyAndStatus(String name) {
        CompileResult result = new PolicyCompiler(CompilerConfig.defaults()).compile(inputs(name));

        GoldenFiles.assertMatches(GOLDEN.resolve(name).resolve("policy.yaml"), KubeYaml.proto(result.policy()));
        GoldenFiles.assertMatches(GOLDEN.resolve(name).resolve("status.yaml"), KubeYaml.write(statusDocument(result)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compile_inputsInAnyOrder_giveTheSameVersion(String name) {
        MeshInputs inputs = inputs(name);
        List<HasMetadata> shuffled = new ArrayList<>();
        shuffled.addAll(inputs.customResources());
        shuffled.addAll(inputs.namespaces());
        shuffled.addAll(inputs.services());
        shuffled.addAll(inputs.endpointSlices());
        shuffled.addAll(inputs.pods());
        shuffled.addAll(inputs.serviceAccounts());
        Collections.reverse(shuffled);

        PolicyCompiler compiler = new PolicyCompiler(CompilerConfig.defaults());
        assertThat(compiler.compile(MeshInputs.of(shuffled)).version()).isEqualTo(compiler.compile(inputs).version());
    }

    static List<Map<String, Object>> statusDocument(CompileResult result) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ResourceStatus s : result.statuses()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("resource", s.kind().kind() + " " + s.namespace() + "/" + s.name());
            m.put("type", "Accepted");
            m.put("status", s.accepted() ? "True" : "False");
            m.put("reason", s.reason());
            m.put("message", s.message());
            m.put("observedGeneration", s.observedGeneration());
            out.add(m);
        }
        return out;
    }
}
