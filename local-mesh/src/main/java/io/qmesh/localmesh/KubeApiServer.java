package io.qmesh.localmesh;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * An in-memory Kubernetes API on loopback (fabric8's mock server in CRUD mode), run as its own
 * process: {@code --port=N} (0 for any) and {@code --tokens=FILE} (properties: token = username for
 * TokenReview). Prints {@code kube-api ready url=http://127.0.0.1:N} once it serves.
 * kubectl cannot talk to it (no discovery, no server-side apply): apply YAML with the fabric8 client.
 */
public final class KubeApiServer {

    private KubeApiServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        Map<String, String> tokens = new HashMap<>();
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                port = Integer.parseInt(arg.substring("--port=".length()));
            } else if (arg.startsWith("--tokens=")) {
                tokens.putAll(readTokens(Path.of(arg.substring("--tokens=".length()))));
            } else {
                throw new IllegalArgumentException("unknown option " + arg + " (expected --port=N, --tokens=FILE)");
            }
        }
        KubernetesMockServer server = start(port, tokens);
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
        System.out.println("kube-api ready url=" + url(server));
        Thread.currentThread().join();
    }

    static KubernetesMockServer start(int port, Map<String, String> tokens) throws IOException {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new TokenReviewingDispatcher(tokens), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        return server;
    }

    static String url(KubernetesMockServer server) {
        return "http://127.0.0.1:" + server.getPort();
    }

    private static Map<String, String> readTokens(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        Map<String, String> tokens = new HashMap<>();
        properties.stringPropertyNames().forEach(token -> tokens.put(token, properties.getProperty(token)));
        return tokens;
    }
}
