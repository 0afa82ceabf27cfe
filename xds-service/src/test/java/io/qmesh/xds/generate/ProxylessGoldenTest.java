package io.qmesh.xds.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.testing.GoldenFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files for proxyless gRPC: {@code golden-proxyless/<case>/policy.yaml} in; the LDS, RDS, CDS
 * and EDS of every proxy group out. Every resource passes Envoy's {@code validate.rules} and the
 * proxyless reference check. (That grpc-java accepts them is ProxylessGrpcIT's job.)
 */
class ProxylessGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden-proxyless");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(GOLDEN)) {
            return dirs.map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void proxylessConfig_matchesGoldenFilesAndIsConsistent(String name) {
        Path dir = GOLDEN.resolve(name);
        MeshPolicy policy = EnvoyYaml.policy(GoldenFiles.read(dir.resolve("policy.yaml")));
        PolicyIndex index = PolicyIndex.of(policy);
        Map<String, GroupConfig> configs = new TreeMap<>();
        index.groups().forEach(g -> configs.put(g.key(), ProxylessGenerator.generate(index, g)));
        assertThat(configs).as("proxy groups of case %s", name).isNotEmpty();

        render(dir.resolve("lds.yaml"), configs, GroupConfig::listeners);
        render(dir.resolve("rds.yaml"), configs, GroupConfig::routes);
        render(dir.resolve("cds.yaml"), configs, GroupConfig::clusters);
        render(dir.resolve("eds.yaml"), configs, GroupConfig::endpoints);

        List<String> problems = new ArrayList<>();
        configs.values().forEach(g -> {
            ProxylessReferences.dangling(g).forEach(p -> problems.add(g.group().key() + " dangling " + p));
            Stream.of(g.listeners(), g.routes(), g.clusters(), g.endpoints()).flatMap(List::stream)
                    .forEach(m -> ValidateRules.check(m, EnvoyYaml.TYPES).forEach(v -> problems.add(g.group().key() + " " + v)));
        });
        assertThat(problems).as("case %s", name).isEmpty();
    }

    private static void render(Path file, Map<String, GroupConfig> configs, Function<GroupConfig, List<? extends Message>> kind) {
        Map<String, List<? extends Message>> byGroup = new TreeMap<>();
        configs.forEach((key, config) -> byGroup.put(key, kind.apply(config)));
        GoldenFiles.assertMatches(file, EnvoyYaml.yaml(byGroup));
    }
}
