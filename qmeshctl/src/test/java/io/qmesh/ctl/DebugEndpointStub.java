package io.qmesh.ctl;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A control-plane replica's HTTP port for qmeshctl's tests: answers fixed paths (with their decoded
 * query) from files. The xds-service fixtures under {@code xds-debug/} are the real endpoints'
 * responses, captured by xds-service's {@code XdsDebugIT}. A request nobody expected gets a 500, so a
 * test that asks the wrong thing fails loudly.
 */
final class DebugEndpointStub implements AutoCloseable {

    static final Path FIXTURES = Path.of("src", "test", "resources");

    private record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    DebugEndpointStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            String key = exchange.getRequestURI().getPath() + (query == null ? "" : "?" + query);
            Answer answer = answers.getOrDefault(key, new Answer(500, "{\"error\": \"stub: nothing expected at " + key + "\"}"));
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** Answers {@code pathAndQuery} (query decoded) with {@code status} and the fixture file. */
    DebugEndpointStub serve(String pathAndQuery, int status, String fixture) {
        try {
            answers.put(pathAndQuery, new Answer(status, Files.readString(FIXTURES.resolve(fixture))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
