package io.qmesh.localmesh;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The in-memory Kubernetes API and the four control-plane services, each a process of its own
 * started from its packaged jar, finding each other on loopback ports. Every service gets a
 * ServiceAccount token that the in-memory API server recognises in TokenReview, as in a cluster.
 */
final class ControlPlane implements AutoCloseable {

    static final String NAMESPACE = "qmesh-system";
    static final List<String> SERVICES = List.of("cert-manager-svc", "mesh-controller", "xds-service", "sidecar-injector");
    /** local-mesh itself asks the CA for the demo workloads' certificates, as a node agent would. */
    static final String AGENT = "local-mesh";

    /** One running service and its ports. */
    record Running(String name, Processes.Started process, int httpPort, int grpcPort) {
        String health() {
            return "http://127.0.0.1:" + httpPort + "/q/health/ready";
        }
    }

    private final Layout layout;
    private final Processes processes;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
    private String kubeApiUrl;
    private KubernetesClient client;
    private int webhookPort;

    ControlPlane(Layout layout, Processes processes) {
        this.layout = layout;
        this.processes = processes;
    }

    /** Starts the in-memory API server; the services come with {@link #startServices}. */
    void startApi(Duration timeout) {
        List<String> identities = new ArrayList<>(SERVICES);
        identities.add(AGENT);
        for (String identity : identities) {
            tokens.put(identity, UUID.randomUUID().toString());
        }
        Path tokenFile = write("tokens.properties", tokensProperties());
        Processes.Started api = processes.start("kube-api", List.of(Processes.java(), "-cp", layout.localMeshJar().toString(),
                KubeApiServer.class.getName(), "--port=0", "--tokens=" + tokenFile), Map.of());
        String ready = processes.awaitOutput(api, line -> line.startsWith("kube-api ready"), timeout);
        kubeApiUrl = ready.substring(ready.indexOf("url=") + 4).trim();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(kubeApiUrl)
                .withNamespace(NAMESPACE).build()).build();
        write("kubeconfig", String.join("\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters: [{name: local-mesh, cluster: {server: '" + kubeApiUrl + "'}}]",
                "users: [{name: local-mesh, user: {}}]",
                "contexts: [{name: local-mesh, context: {cluster: local-mesh, user: local-mesh}}]",
                "current-context: local-mesh", ""));
    }

    /** A kubeconfig for the in-memory API, so that qmeshctl can be pointed at it. */
    Path kubeconfig() {
        return layout.work().resolve("kubeconfig");
    }

    /** Starts the services in dependency order, each waited for until ready. */
    void startServices(Duration timeout) {
        for (String service : SERVICES) {
            startService(service, timeout);
        }
    }

    /** Starts (or restarts) one service with the same ports it had, and waits until it is ready. */
    Running startService(String service, Duration timeout) {
        Running previous = running.get(service);
        int http = previous == null ? Ports.free() : previous.httpPort();
        int grpc = previous == null ? Ports.free() : previous.grpcPort();
        List<String> command = new ArrayList<>(List.of(Processes.java()));
        serviceProperties(service, http, grpc).forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", layout.serviceJar(service).toString()));
        Running started = new Running(service, processes.start(service, command, Map.of()), http, grpc);
        running.put(service, started);
        processes.awaitHttpOk(started.process(), started.health(), timeout);
        return started;
    }

    /** Settings for a service's next start, over the ones {@link #serviceProperties} gives it (e.g. mTLS for ADS). */
    void configure(String service, Map<String, String> properties) {
        overrides.computeIfAbsent(service, s -> new LinkedHashMap<>()).putAll(properties);
    }

    void stopService(String service) {
        processes.stop(running.get(service).process());
    }

    /** How each service is configured here; in a cluster the same settings have their in-cluster defaults. */
    Map<String, String> serviceProperties(String service, int http, int grpc) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.http.port", String.valueOf(http));
        p.put("quarkus.grpc.server.port", String.valueOf(grpc));
        p.put("quarkus.log.console.json.enabled", "false");
        // the Kubernetes client's own settings: Quarkus fixes quarkus.kubernetes-client.* when it builds a service
        p.put("kubernetes.master", kubeApiUrl);
        p.put("kubernetes.namespace", NAMESPACE);
        p.put("kubernetes.trust.certificates", "true");
        Path token = write("tokens/" + service, tokens.get(service));
        switch (service) {
            case "cert-manager-svc" -> p.put("qmesh.ca.auth.workload", NAMESPACE + "/xds-service," + NAMESPACE + "/" + AGENT);
            case "xds-service" -> {
                p.put("qmesh.xds.controller.address", "127.0.0.1:" + running.get("mesh-controller").grpcPort());
                p.put("qmesh.xds.ca.address", caAddress());
                p.put("qmesh.xds.ca.token-file", token.toString());
                p.put("qmesh.xds.ads.port", String.valueOf(grpc));
                // the demo's proxyless workloads dial ADS without TLS (their bootstrap has insecure channel_creds)
                p.put("qmesh.xds.tls.mode", "plaintext");
                p.put("qmesh.xds.require-client-certificate", "false");
            }
            case "sidecar-injector" -> {
                p.put("qmesh.injector.ca.address", caAddress());
                p.put("qmesh.injector.ca.token-file", token.toString());
                if (webhookPort == 0) {
                    webhookPort = Ports.free();
                }
                p.put("qmesh.injector.webhook.port", String.valueOf(webhookPort));
            }
            default -> { }
        }
        p.putAll(overrides.getOrDefault(service, Map.of()));
        return p;
    }

    String caAddress() {
        return "127.0.0.1:" + running.get("cert-manager-svc").grpcPort();
    }

    String xdsAddress() {
        return "127.0.0.1:" + running.get("xds-service").grpcPort();
    }

    /** The injector's HTTPS port, where the API server would send AdmissionReviews (kept across restarts). */
    int webhookPort() {
        return webhookPort;
    }

    Running service(String name) {
        return running.get(name);
    }

    String agentToken() {
        return tokens.get(AGENT);
    }

    /** The ServiceAccount token of a control-plane service, to call another one as that service would. */
    String token(String service) {
        return tokens.get(service);
    }

    KubernetesClient client() {
        return client;
    }

    private String tokensProperties() {
        StringBuilder properties = new StringBuilder("# token = username, for the in-memory API server's TokenReview\n");
        tokens.forEach((identity, token) -> properties.append(token).append(" = system:serviceaccount:")
                .append(NAMESPACE).append(':').append(identity).append('\n'));
        return properties.toString();
    }

    private Path write(String name, String content) {
        try {
            Path file = layout.work().resolve(name);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
