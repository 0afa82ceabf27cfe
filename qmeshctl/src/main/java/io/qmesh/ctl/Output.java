package io.qmesh.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code -o text|json|yaml}: a table for people, JSON or YAML for scripts. Rows are ordered maps. */
final class Output {

    enum Format { text, json, yaml }

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text, json or yaml (default: ${DEFAULT-VALUE})")
    Format format = Format.text;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    void table(PrintWriter out, List<Map<String, Object>> rows, String... columns) {
        switch (format) {
            case json -> out.println(write(JSON, rows));
            case yaml -> out.print(write(YAML, rows));
            default -> printTable(out, rows, columns);
        }
        out.flush();
    }

    void object(PrintWriter out, Map<String, Object> object) {
        switch (format) {
            case json -> out.println(write(JSON, object));
            case yaml -> out.print(write(YAML, object));
            default -> object.forEach((key, value) -> {
                if (value != null && !String.valueOf(value).isEmpty()) {
                    out.println(key + ": " + value);
                }
            });
        }
        out.flush();
    }

    /** A document for scripts (JSON or YAML), or {@code text} for people. */
    void document(PrintWriter out, Object document, java.util.function.Consumer<PrintWriter> text) {
        switch (format) {
            case json -> out.println(write(JSON, document));
            case yaml -> out.print(write(YAML, document));
            default -> text.accept(out);
        }
        out.flush();
    }

    static Map<String, Object> row(Object... keyValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            row.put((String) keyValues[i], keyValues[i + 1]);
        }
        return row;
    }

    static void printTable(PrintWriter out, List<Map<String, Object>> rows, String... columns) {
        List<String[]> lines = new ArrayList<>();
        lines.add(java.util.Arrays.stream(columns).map(c -> c.toUpperCase(java.util.Locale.ROOT)).toArray(String[]::new));
        for (Map<String, Object> row : rows) {
            lines.add(java.util.Arrays.stream(columns).map(c -> String.valueOf(row.getOrDefault(c, ""))).toArray(String[]::new));
        }
        int[] widths = new int[columns.length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(i == line.length - 1 ? line[i] : String.format("%-" + (widths[i] + 3) + "s", line[i]));
            }
            out.println(text.toString().stripTrailing());
        }
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("output of plain maps cannot fail", e);
        }
    }
}
