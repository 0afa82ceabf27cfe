package io.qmesh.injector.patch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.testing.GoldenFiles;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Each pod fixture's JSON patch and Envoy bootstrap against its golden files (-Dgolden.update=true rewrites them). */
class PodInjectorGoldenTest {

    static Stream<String> fixtures() {
        return PodFixtures.CASES.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void podFixture_patchAndBootstrap_matchGoldenFiles(String name) {
        PodInjector.Outcome outcome = PodFixtures.admit(name);
        GoldenFiles.assertMatches(PodFixtures.ROOT.resolve(name).resolve("patch.json"), PodFixtures.patchJson(outcome));
        if (outcome instanceof PodInjector.Inject inject) {
            GoldenFiles.assertMatches(PodFixtures.ROOT.resolve(name).resolve("bootstrap.yaml"),
                    EnvoyBootstrap.yaml(inject.bootstrap()));
            GoldenFiles.assertMatches(PodFixtures.ROOT.resolve(name).resolve("iptables.rules"),
                    PodInjector.rules(PodFixtures.pod(name), PodFixtures.settings(PodFixtures.CASES.get(name))));
        }
    }

    @Test
    void everyFixtureDirectory_hasACase() {
        assertThat(PodFixtures.names()).containsExactlyInAnyOrderElementsOf(PodFixtures.CASES.keySet());
    }

    @Test
    void sameInputs_giveIdenticalPatches() {
        assertThat(PodFixtures.patchJson(PodFixtures.admit("with-exclusions")))
                .isEqualTo(PodFixtures.patchJson(PodFixtures.admit("with-exclusions")));
    }
}
