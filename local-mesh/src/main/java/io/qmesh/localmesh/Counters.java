package io.qmesh.localmesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** A buyer's counters as its page serves them: purchases per bookstore version, failures per reason. */
record Counters(Map<String, Long> bought, Map<String, Long> failed) {

    private static final String UNREADABLE = "counters unreadable: ";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static Counters read(String url) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            JsonNode json = JSON.readTree(body);
            return new Counters(map(json.path("success")), map(json.path("failure")));
        } catch (IOException e) {
            return new Counters(Map.of(), Map.of(UNREADABLE + e.getMessage(), 1L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** What happened since {@code before}. */
    Counters since(Counters before) {
        return new Counters(minus(bought, before.bought), minus(failed, before.failed));
    }

    /** False when the buyer's page did not answer: {@link #failed} then says why. */
    boolean readable() {
        return failed.keySet().stream().noneMatch(reason -> reason.startsWith(UNREADABLE));
    }

    long boughtTotal() {
        return bought.values().stream().mapToLong(Long::longValue).sum();
    }

    long failedTotal() {
        return failed.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String toString() {
        return "bought " + (bought.isEmpty() ? "-" : bought) + "  failed " + (failed.isEmpty() ? "-" : failed);
    }

    private static Map<String, Long> map(JsonNode node) {
        Map<String, Long> map = new TreeMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asLong()));
        return map;
    }

    private static Map<String, Long> minus(Map<String, Long> now, Map<String, Long> before) {
        Map<String, Long> result = new TreeMap<>();
        now.forEach((k, v) -> {
            long delta = v - before.getOrDefault(k, 0L);
            if (delta > 0) {
                result.put(k, delta);
            }
        });
        return result;
    }
}
