package io.qmesh.localmesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of every panel of a Grafana dashboard (rows' nested panels included), with Grafana's
 * variables replaced as Grafana would before sending the query: the interval variables by fixed
 * windows, template variables by their current value (or any value, for "All" and unset ones).
 */
final class DashboardQueries {

    /** One query of one panel, ready to send to Prometheus. */
    record Query(String panel, String refId, String expr) {
        @Override
        public String toString() {
            return "panel \"" + panel + "\" query " + refId + ": " + expr;
        }
    }

    /** What Grafana puts for its built-in interval variables, for a dashboard showing the last few minutes. */
    static final Map<String, String> BUILT_INS = Map.of(
            "__rate_interval", "1m",
            "__interval", "15s",
            "__range", "5m");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$([A-Za-z_]\\w*)|\\[\\[(\\w+)]]");

    private DashboardQueries() {
    }

    static List<Query> of(Path dashboard) {
        try {
            JsonNode root = new ObjectMapper().readTree(dashboard.toFile());
            Map<String, String> variables = new LinkedHashMap<>(BUILT_INS);
            for (JsonNode variable : root.path("templating").path("list")) {
                JsonNode current = variable.path("current").path("value");
                String value = current.isArray() ? (current.size() == 1 ? current.get(0).asText() : "$__all") : current.asText("");
                variables.put(variable.path("name").asText(), value.isEmpty() || value.equals("$__all") ? ".*" : value);
            }
            List<Query> queries = new ArrayList<>();
            collect(root.path("panels"), variables, queries);
            return queries;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + dashboard, e);
        }
    }

    private static void collect(JsonNode panels, Map<String, String> variables, List<Query> out) {
        for (JsonNode panel : panels) {
            collect(panel.path("panels"), variables, out);
            for (JsonNode target : panel.path("targets")) {
                if (target.path("hide").asBoolean(false) || target.path("expr").asText("").isBlank()) {
                    continue;
                }
                out.add(new Query(panel.path("title").asText(), target.path("refId").asText("A"),
                        substitute(target.path("expr").asText(), variables)));
            }
        }
    }

    static String substitute(String expr, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = variables.get(name);
            if (value == null) {
                throw new IllegalArgumentException("query uses $" + name + ", which is neither a dashboard variable nor one of "
                        + BUILT_INS.keySet() + ": " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
