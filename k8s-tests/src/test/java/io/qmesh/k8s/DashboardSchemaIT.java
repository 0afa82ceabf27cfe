package io.qmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmesh.testing.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every Grafana dashboard under k8s/addons/dashboards/ type-checks against @grafana/schema (tsc --strict). */
class DashboardSchemaIT {

    static final Path CHECKER = Manifests.REPO.resolve("tools/grafana-check");

    @Test
    void dashboards_areValidGrafanaDashboardJson() {
        ExternalCommand.assumeInstalled("node", "install Node.js 20 to type-check the dashboards");
        assumeTrue(Files.isDirectory(CHECKER.resolve("node_modules/@grafana/schema")),
                "run `npm ci --prefix tools/grafana-check` (.ci/run does) to type-check the dashboards");

        ExternalCommand.Result result = ExternalCommand.run(CHECKER, "node", "check-dashboards.mjs");

        assertThat(result.succeeded()).as("%s%s", result.stdout(), result.stderr()).isTrue();
        assertThat(result.stdout()).contains("ok qmesh-control-plane.json", "ok qmesh-data-plane.json");
    }
}
