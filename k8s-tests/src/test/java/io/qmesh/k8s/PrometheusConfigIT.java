package io.qmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.testing.ExternalCommand;
import io.qmesh.testing.LocalScrapeConfig;
import io.qmesh.testing.LocalScrapeConfig.DiscoveredPod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped Prometheus configuration and alerting rules pass Prometheus' own checker and rule tests. */
class PrometheusConfigIT {

    @Test
    void scrapeConfig_withDiscoveryAsStaticTargets_passesPromtoolCheck(@TempDir Path dir) throws Exception {
        ExternalCommand.assumeInstalled("promtool", "apt-get install prometheus (.ci/run does)");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, LocalScrapeConfig.localized(Manifests.REPO, Map.of("qmesh-control-plane", List.of(
                new DiscoveredPod("127.0.0.1:9091", Map.of("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true"))))));

        ExternalCommand.Result result = ExternalCommand.run(dir, "promtool", "check", "config", config.toString());

        assertThat(result.succeeded()).as("%s%s", result.stdout(), result.stderr()).isTrue();
        assertThat(Files.readString(config)).contains("relabel_configs").doesNotContain("kubernetes_sd_configs");
        // check config loads the rule files too: it reports how many rules it found
        assertThat(result.stdout()).contains("qmesh-alerts.yml").contains("SUCCESS: 11 rules found");
    }

    @Test
    void alertingRules_fireWhenTheirUnitTestsSayAndStayQuietOtherwise() {
        ExternalCommand.assumeInstalled("promtool", "apt-get install prometheus (.ci/run does)");

        ExternalCommand.Result result = ExternalCommand.run(Manifests.REPO.resolve("k8s/addons"), "promtool", "test", "rules",
                "qmesh-alerts.test.yml");

        assertThat(result.succeeded()).as("%s%s", result.stdout(), result.stderr()).isTrue();
    }

    @Test
    void alertingRules_areInPrometheusConfigMap() {
        ExternalCommand.assumeInstalled("kubectl", "install kubectl 1.32 to check the manifests");

        ExternalCommand.Result result = ExternalCommand.run(Manifests.REPO, "kubectl", "kustomize", "k8s/addons/");

        assertThat(result.succeeded()).as("%s", result.stderr()).isTrue();
        assertThat(result.stdout()).contains("name: qmesh-prometheus-config").contains("qmesh-alerts.yml: |");
    }
}
