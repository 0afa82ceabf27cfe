package io.qmesh.injector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.qmesh.injector.certs.TestCaResource;
import io.qmesh.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Webhook throughput and latency over HTTPS, every injected pod getting its BOOTSTRAP certificate
 * (test CA, BouncyCastle, on the same 2 cores) and its Secret (mock API server), next to a no-op
 * handler on the same server: the floor. Writes target/bench/webhook.md.
 */
@QuarkusTest
@WithKubernetesTestServer(setup = ClusterSetup.class)
@QuarkusTestResource(TestCaResource.class)
@Tag("bench")
class WebhookBenchmark {

    private static final int RATE = 200;
    private static final Duration RATE_DURATION = Duration.ofSeconds(10);
    private static final Duration THROUGHPUT_DURATION = Duration.ofSeconds(5);
    private static final int CONCURRENCY = 8;

    @Inject
    KubernetesClient client;
    @Inject
    WebhookServer server;

    private final AtomicInteger sequence = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicReference<String> firstError = new java.util.concurrent.atomic.AtomicReference<>();

    record Result(double perSecond, double p50Millis, double p99Millis, double maxMillis, int errors) {
    }

    @Test
    void webhook_atMaxAndAt200PerSecond_againstNoopFloor() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> server.port() > 0 && caBundle() != null);
        String caBundle = caBundle();
        WebhookClient webhook = new WebhookClient(caBundle, server.port());

        throughput(webhook, WebhookServer.PATH, Duration.ofSeconds(3)); // warm-up
        throughput(webhook, WebhookServer.NOOP_PATH, Duration.ofSeconds(2));
        Result noopMax = throughput(webhook, WebhookServer.NOOP_PATH, THROUGHPUT_DURATION);
        Result injectMax = throughput(webhook, WebhookServer.PATH, THROUGHPUT_DURATION);
        Result noopRate = atRate(webhook, WebhookServer.NOOP_PATH);
        Result injectRate = atRate(webhook, WebhookServer.PATH);

        assertThat(injectMax.perSecond()).as("webhook answered nothing; first error: " + firstError.get()).isPositive();
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        String md = """
                ## sidecar-injector webhook

                HTTPS AdmissionReviews of enrolled pods: namespace and MeshConfig read (cached), JSON patch, Envoy
                bootstrap, and a BOOTSTRAP certificate per pod (P-256 key and CSR, signed over gRPC by the in-process
                test CA), all on this machine. The requests are dry runs, so the Secret is not written: the fabric8 mock
                API server stalls under this load; in a cluster the write adds one API call. Floor: a no-op handler
                (`POST /noop`, answers `{}`) on the same HTTPS server and client.

                | measure | webhook | no-op floor | ratio |
                |---|---|---|---|
                | max AdmissionReviews/s (%d concurrent clients, %d s) | %.0f | %.0f | %.2f |
                | p50 at %d/s (%d s, open loop) | %.2f ms | %.2f ms | %.1fx |
                | p99 at %d/s | %.2f ms | %.2f ms | %.1fx |
                | max at %d/s | %.2f ms | %.2f ms | |
                | failed requests at %d/s | %d | %d | |

                Goal: p99 ≤ 20 ms at 200/s, certificate included: **%s**. Load average during the run (other
                builds share the machine): `%s`. First failure, if any: `%s`.

                """.formatted(CONCURRENCY, THROUGHPUT_DURATION.toSeconds(), injectMax.perSecond(), noopMax.perSecond(),
                injectMax.perSecond() / noopMax.perSecond(),
                RATE, RATE_DURATION.toSeconds(), injectRate.p50Millis(), noopRate.p50Millis(),
                injectRate.p50Millis() / noopRate.p50Millis(),
                RATE, injectRate.p99Millis(), noopRate.p99Millis(), injectRate.p99Millis() / noopRate.p99Millis(),
                RATE, injectRate.maxMillis(), noopRate.maxMillis(),
                RATE, injectRate.errors(), noopRate.errors(),
                injectRate.p99Millis() <= 20 && injectRate.errors() == 0 ? "met" : "not met", load, firstError.get());
        Path out = Path.of("target", "bench", "webhook.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md);
        System.out.println(md);
    }

    String caBundle() {
        return client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName("qmesh-sidecar-injector").get().getWebhooks().get(0).getClientConfig().getCaBundle();
    }

    private String body(String path) {
        if (WebhookServer.NOOP_PATH.equals(path)) {
            return "{}";
        }
        int n = sequence.incrementAndGet();
        // dryRun: patch and certificate, no Secret write (the mock API server stalls under this load)
        return WebhookEndpointTest.review("bench-" + n, ClusterSetup.ENROLLED, WebhookEndpointTest.pod("bench-" + n))
                .replace("\"operation\":\"CREATE\"", "\"operation\":\"CREATE\",\"dryRun\":true");
    }

    private Result throughput(WebhookClient webhook, String path, Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong done = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CONCURRENCY; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        HttpResponse<String> r = webhook.post(path, body(path));
                        if (r.statusCode() != 200 || r.body().contains("\"allowed\":false")) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, r.body());
                        }
                        done.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Result(done.get() / (double) duration.toSeconds(), 0, 0, 0, errors.get());
    }

    /** Open loop: requests sent on schedule whatever the answers; latency measured from the scheduled time. */
    private Result atRate(WebhookClient webhook, String path) throws Exception {
        int total = (int) (RATE * RATE_DURATION.toSeconds());
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / RATE;
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * intervalNanos;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String body = body(path);
            pending.add(CompletableFuture.runAsync(() -> {
                try {
                    HttpResponse<String> r = webhook.post(path, body);
                    if (r.statusCode() != 200 || r.body().contains("\"allowed\":false")) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, r.body());
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e.toString());
                }
                latencies.add(System.nanoTime() - scheduled);
            }, POOL));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Result(RATE, millis(sorted, 0.50), millis(sorted, 0.99), sorted[sorted.length - 1] / 1e6, errors.get());
    }

    private static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-client");
        t.setDaemon(true);
        return t;
    });

    private static double millis(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

}
