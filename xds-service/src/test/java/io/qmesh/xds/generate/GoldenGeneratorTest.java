package io.qmesh.xds.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.google.protobuf.Message;
import io.qmesh.testing.GoldenFiles;
import io.qmesh.xds.serve.GroupSnapshot;
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
 * Golden files per scenario: {@code golden/<case>/policy.yaml} (a MeshPolicy) in; the LDS, RDS, CDS
 * and EDS of every proxy group out ({@code lds.yaml} …, keyed by group). Every generated resource
 * must also pass Envoy's own {@code validate.rules}, Envoy's rule that a listener has a filter chain, and
 * java-control-plane's snapshot consistency check. Refresh with {@code -Dgolden.update=true}.
 */
class GoldenGeneratorTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(GOLDEN)) {
            return dirs.filter(d -> Files.exists(d.resolve("policy.yaml"))).map(d -> d.getFileName().toString())
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void generatedConfig_matchesGoldenFilesAndEnvoysValidateRules(String name) {
        Path dir = GOLDEN.resolve(name);
        MeshConfigs configs = MeshConfigs.of(EnvoyYaml.policy(GoldenFiles.read(dir.resolve("policy.yaml"))));
        assertThat(configs.groups()).as("proxy groups of case %s", name).isNotEmpty();

        render(dir.resolve("lds.yaml"), configs, GroupConfig::listeners);
        render(dir.resolve("rds.yaml"), configs, GroupConfig::routes);
        render(dir.resolve("cds.yaml"), configs, GroupConfig::clusters);
        render(dir.resolve("eds.yaml"), configs, GroupConfig::endpoints);

        List<String> violations = new ArrayList<>();
        configs.groups().values().forEach(g -> Stream.of(g.listeners(), g.routes(), g.clusters(), g.endpoints())
                .flatMap(List::stream)
                .forEach(m -> ValidateRules.check(m, EnvoyYaml.TYPES).forEach(v -> violations.add(g.group().key() + " " + v))));
        assertThat(violations).as("validate.rules violations in case %s", name).isEmpty();
        // beyond validate.rules, Envoy's listener manager refuses a TCP listener with nothing to match
        configs.groups().values().forEach(g -> g.listeners().forEach(l -> assertThat(
                l.getFilterChainsCount() > 0 || l.hasDefaultFilterChain())
                .as("%s %s has a filter chain or a default one", g.group().key(), l.getName()).isTrue()));

        configs.groups().values().forEach(g -> assertThatCode(() -> GroupSnapshot.of(g, List.of(), null).ensureConsistent())
                .as("snapshot consistency of %s", g.group().key()).doesNotThrowAnyException());
    }

    private static void render(Path file, MeshConfigs configs, Function<GroupConfig, List<? extends Message>> kind) {
        Map<String, List<? extends Message>> byGroup = new TreeMap<>();
        configs.groups().forEach((key, config) -> byGroup.put(key, kind.apply(config)));
        GoldenFiles.assertMatches(file, EnvoyYaml.yaml(byGroup));
    }
}
