package io.qmesh.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The HTTP side of a demo process (14001 in a cluster): a page that refreshes itself with the
 * counters, the counters as JSON at /counters, and the role's own endpoints.
 */
final class WebPage implements AutoCloseable {

    private final HttpServer server;

    WebPage(DemoConfig config, Counters counters, Map<String, HttpHandler> endpoints) throws IOException {
        server = HttpServer.create(new InetSocketAddress(config.httpPort()), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/counters", exchange -> send(exchange, 200, "application/json", counters.toJson()));
        endpoints.forEach(server::createContext);
        server.createContext("/", exchange -> send(exchange, 200, "text/html; charset=utf-8", page(config, counters)));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String page(DemoConfig config, Counters counters) {
        StringBuilder rows = new StringBuilder();
        counters.successes().forEach((version, n) -> rows.append("<tr><td>bought from bookstore ")
                .append(version).append("</td><td>").append(n).append("</td></tr>"));
        counters.failures().forEach((reason, n) -> rows.append("<tr class=fail><td>failed: ")
                .append(escape(reason)).append("</td><td>").append(n).append("</td></tr>"));
        return "<!doctype html><html><head><meta http-equiv=refresh content=1><title>" + config.role() + "</title>"
                + "<style>body{font-family:sans-serif;margin:2em}td{padding:.3em 1em;font-size:1.4em}.fail{color:#b00}</style>"
                + "</head><body><h1>" + config.role() + " <small>(" + escape(config.identity()) + ")</small></h1>"
                + "<table>" + rows + "</table><p>" + escape(counters.lastError()) + "</p></body></html>";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
