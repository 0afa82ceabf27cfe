package io.qmesh.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardQueriesTest {

    @Test
    void of_rowsAndVariables_givesEveryVisibleQueryAsGrafanaWouldSendIt(@TempDir Path dir) throws Exception {
        Path dashboard = Files.writeString(dir.resolve("d.json"), """
                {"templating": {"list": [{"name": "namespace", "current": {"value": "bookstore"}},
                                         {"name": "pod", "current": {"value": ["$__all"]}}]},
                 "panels": [
                   {"title": "Rate", "targets": [{"refId": "A", "expr": "rate(x{namespace=\\"$namespace\\"}[$__rate_interval])"},
                                                 {"refId": "B", "expr": "hidden", "hide": true}]},
                   {"title": "Row", "type": "row", "panels": [
                     {"title": "Nested", "targets": [{"refId": "A", "expr": "sum(y{pod=~\\"${pod}\\"})"}]}]}]}
                """);

        assertThat(DashboardQueries.of(dashboard)).extracting(DashboardQueries.Query::expr).containsExactly(
                "rate(x{namespace=\"bookstore\"}[1m])", "sum(y{pod=~\".*\"})");
    }

    @Test
    void substitute_regexReferencesAndUnknownVariables_keptOrNamed() {
        assertThat(DashboardQueries.substitute("label_replace(up, \"a\", \"$1\", \"job\", \"(.*)$\")", Map.of()))
                .isEqualTo("label_replace(up, \"a\", \"$1\", \"job\", \"(.*)$\")");
        assertThatThrownBy(() -> DashboardQueries.substitute("up{job=\"$job\"}", Map.of()))
                .hasMessageContaining("$job");
    }
}
