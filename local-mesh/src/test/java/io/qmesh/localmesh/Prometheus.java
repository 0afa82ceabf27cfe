package io.qmesh.localmesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian's Prometheus as a test runs it: on 127.0.0.1, with the given configuration and a fresh
 * storage directory, started through {@link Processes} so it is stopped with the other processes
 * (also when the test fails).
 */
final class Prometheus {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Processes processes;
    private final Processes.Started process;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Prometheus(Processes processes, Processes.Started process, String url) {
        this.processes = processes;
        this.process = process;
        this.url = url;
    }

    /**
     * Starts {@code prometheus} with {@code config}; configuration and storage go under {@code dir}
     * (emptied first), its log beside the other processes' logs.
     */
    static Prometheus start(Processes processes, Path dir, String config, Duration timeout) {
        Path configFile = dir.resolve("prometheus.yml");
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            Files.writeString(configFile, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        int port = Ports.free();
        Processes.Started process = processes.start("prometheus", List.of("prometheus",
                "--config.file=" + configFile, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port), Map.of());
        String url = "http://127.0.0.1:" + port;
        processes.awaitHttpOk(process, url + "/-/ready", timeout);
        return new Prometheus(processes, process, url);
    }

    /** The {@code data.result} of an instant query at the current time. */
    JsonNode query(String promql) {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("result");
    }

    /** The {@code data} of a GET on the HTTP API, e.g. {@code /api/v1/rules}. */
    JsonNode api(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new AssertionError("Prometheus answered " + path + " with " + response.statusCode() + " " + response.body());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException("asking Prometheus for " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops it now rather than with the other processes (SIGTERM: it closes its storage cleanly). */
    void stop() {
        processes.stop(process);
    }

    /** Scrape targets and their health, for failure messages. */
    String targets() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/targets?state=active")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
