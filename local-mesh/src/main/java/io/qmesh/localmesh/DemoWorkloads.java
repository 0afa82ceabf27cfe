package io.qmesh.localmesh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The bookstore apps as proxyless gRPC workloads: each a process of the bookstore-demo jar with a
 * grpc-xds bootstrap pointing at xds-service, its workload certificate written (and renewed) where
 * the bootstrap's file_watcher provider reads it, and a Pod plus EndpointSlices in the API.
 */
final class DemoWorkloads implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DemoWorkloads.class.getName());
    static final String GRPC_PORT = "14002";

    /** One demo app as the walkthrough deploys it. */
    record App(String pod, String namespace, String serviceAccount, Map<String, String> labels, List<String> args) {
    }

    /** A started app. */
    record RunningApp(App app, Processes.Started process, int httpPort, int grpcPort) {
        String countersUrl() {
            return "http://127.0.0.1:" + httpPort + "/counters";
        }

        String pageUrl() {
            return "http://127.0.0.1:" + httpPort + "/";
        }
    }

    static final App BOOKWAREHOUSE = app("bookwarehouse", "bookwarehouse", "bookwarehouse", "v1", "--role=bookwarehouse", "--xds-server=true");
    static final App BOOKSTORE_V1 = app("bookstore-v1", "bookstore", "bookstore", "v1", "--role=bookstore", "--version=v1",
            "--xds-server=true", "--warehouse=" + target("bookwarehouse", "bookwarehouse"));
    static final App BOOKSTORE_V2 = app("bookstore-v2", "bookstore", "bookstore", "v2", "--role=bookstore", "--version=v2",
            "--xds-server=true", "--warehouse=" + target("bookwarehouse", "bookwarehouse"));
    static final App BOOKBUYER = app("bookbuyer", "bookbuyer", "bookbuyer", "v1", "--role=bookbuyer",
            "--bookstore=" + target("bookstore", "bookstore"));
    static final App BOOKTHIEF = app("bookthief", "bookthief", "bookthief", "v1", "--role=bookthief",
            "--bookstore=" + target("bookstore", "bookstore"));

    private final Layout layout;
    private final Processes processes;
    private final ClusterState cluster;
    private final WorkloadCertificates certificates;
    private final String xdsAddress;
    private final Duration buyInterval;
    private final Map<String, RunningApp> running = new LinkedHashMap<>();
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor();

    /** @param buyInterval how often bookbuyer and bookthief buy */
    DemoWorkloads(Layout layout, Processes processes, ClusterState cluster, WorkloadCertificates certificates, String xdsAddress,
            Duration buyInterval) {
        this.buyInterval = buyInterval;
        this.layout = layout;
        this.processes = processes;
        this.cluster = cluster;
        this.certificates = certificates;
        this.xdsAddress = xdsAddress;
    }

    static String target(String service, String namespace) {
        return "xds:///" + service + "." + namespace + ".svc.cluster.local:" + GRPC_PORT;
    }

    private static App app(String name, String namespace, String serviceAccount, String version, String... args) {
        String app = name.replaceAll("-v\\d$", "");
        return new App(name + "-local", namespace, serviceAccount, Map.of("app", app, "version", version), List.of(args));
    }

    RunningApp start(App app, Duration timeout) {
        int http = Ports.free();
        int grpc = Ports.free();
        Path dir = layout.work().resolve("apps").resolve(app.pod());
        renew(app, dir);
        String uid = cluster.register(new ClusterState.Workload(app.namespace(), app.pod(), app.serviceAccount(), app.labels(),
                Map.of("http", http, "grpc", grpc)));
        Path bootstrap = write(dir.resolve("bootstrap.json"), bootstrap(app, uid, dir));
        List<String> command = new ArrayList<>(List.of(Processes.java(), "-jar", layout.demoJar().toString()));
        command.addAll(app.args());
        command.addAll(List.of("--http-port=" + http, "--grpc-port=" + grpc, "--identity=" + app.namespace() + "/" + app.serviceAccount(),
                "--interval-millis=" + buyInterval.toMillis()));
        Processes.Started process = processes.start(app.pod(), command, Map.of("GRPC_XDS_BOOTSTRAP", bootstrap.toString()));
        RunningApp started = new RunningApp(app, process, http, grpc);
        processes.awaitHttpOk(process, started.countersUrl(), timeout);
        running.put(app.pod(), started);
        return started;
    }

    RunningApp get(App app) {
        return running.get(app.pod());
    }

    /** Issues the workload certificate now and again at 2/3 of its lifetime (retrying after a failure). */
    private void renew(App app, Path dir) {
        Instant renewAt = certificates.issue(app.namespace(), app.serviceAccount(), dir);
        long delay = Math.max(1, Duration.between(Instant.now(), renewAt).toSeconds());
        renewals.schedule(() -> {
            try {
                renew(app, dir);
            } catch (RuntimeException e) {
                LOG.warning(() -> "pod=" + app.namespace() + "/" + app.pod() + " certificate renewal failed, retrying in 30 s: " + e);
                renewals.schedule(() -> renew(app, dir), 30, TimeUnit.SECONDS);
            }
        }, delay, TimeUnit.SECONDS);
    }

    /** grpc-xds bootstrap: ADS to xds-service, node = the pod, certificates from files, server listener names. */
    private String bootstrap(App app, String podUid, Path dir) {
        WorkloadCertificates.Files3 files = WorkloadCertificates.files(dir);
        return """
                {
                  "xds_servers": [{"server_uri": "%s", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
                  "node": {"id": "%s/%s", "metadata": {"pod_name": "%s", "pod_namespace": "%s", "pod_uid": "%s", "proxyless": "true"}},
                  "certificate_providers": {"qmesh": {"plugin_name": "file_watcher", "config": {
                    "certificate_file": "%s", "private_key_file": "%s", "ca_certificate_file": "%s", "refresh_interval": "10s"}}},
                  "server_listener_resource_name_template": "grpc/server?xds.resource.listening_address=%%s"
                }
                """.formatted(xdsAddress, app.namespace(), app.pod(), app.pod(), app.namespace(),
                podUid, files.certificate(), files.key(), files.trustBundle());
    }

    private static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        renewals.shutdownNow();
    }
}
