package io.qmesh.ca.grpc;

import static io.qmesh.ca.grpc.ApiServerPlay.XDS_TOKEN;

import io.grpc.ManagedChannel;
import io.qmesh.api.certs.v1.IssueRequest;
import io.qmesh.ca.issue.Bc;
import io.qmesh.ca.issue.TestCsrs;
import io.qmesh.testing.CpuUse;
import io.qmesh.testing.ServiceEndpoints;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Certificates per second through the real gRPC API (P-256 CSRs, WORKLOAD, TokenReview cached), next to
 * the raw BouncyCastle P-256 signing rate of the same JVM with the same number of threads, in the same
 * run; {@code openssl speed ecdsap256} beside it. Writes target/bench/ca.md. No assertions on time.
 */
@Tag("bench")
@QuarkusTest
@WithKubernetesTestServer
class CaIssueBenchmark {

    static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** Callers in flight at once: the server's worker pool (one per core) does the crypto. */
    static final int CALLERS = 16;
    static final Duration RUN = Duration.ofSeconds(8);
    /** The CA's worker threads (CertificateAuthorityService): CSR check, certificate building, signing. */
    static final String WORKERS = "ca-issue";

    @KubernetesTestServer
    KubernetesServer server;

    @Test
    void issuanceRate_againstRawP256Signing() throws Exception {
        ApiServerPlay.tokenReviews(server);
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> ServiceEndpoints.assertReadyWith("ca-root"));
        List<IssueRequest> requests = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            requests.add(CaClient.workload(TestCsrs.csr(TestCsrs.ec("secp256r1")), "bench", "sa-" + (i % 50)));
        }
        ManagedChannel channel = CaClient.channel();
        try {
            var stub = CaClient.as(channel, XDS_TOKEN);
            AtomicInteger next = new AtomicInteger();
            Callable<Integer> issueOne = () -> {
                stub.issue(requests.get(next.getAndIncrement() % requests.size()));
                return 1;
            };
            KeyPair keys = TestCsrs.ec("secp256r1");
            byte[] tbs = new byte[400];
            TestCsrs.RANDOM.nextBytes(tbs);
            Callable<Integer> signOne = () -> {
                sign(keys, tbs);
                return 1;
            };
            // like a CSR check: a different public key every time (decoded from its encoding), so no
            // precomputation cached on one key object flatters the number
            List<byte[]> publicKeys = new ArrayList<>();
            List<byte[]> signatures = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                KeyPair signer = TestCsrs.ec("secp256r1");
                publicKeys.add(signer.getPublic().getEncoded());
                signatures.add(sign(signer, tbs));
            }
            AtomicInteger nextKey = new AtomicInteger();
            Callable<Integer> verifyOne = () -> {
                int i = Math.floorMod(nextKey.getAndIncrement(), publicKeys.size());
                var key = java.security.KeyFactory.getInstance("EC", Bc.PROVIDER)
                        .generatePublic(new java.security.spec.X509EncodedKeySpec(publicKeys.get(i)));
                Signature verifier = Signature.getInstance("SHA256withECDSA", Bc.PROVIDER);
                verifier.initVerify(key);
                verifier.update(tbs);
                return verifier.verify(signatures.get(i)) ? 1 : 0;
            };
            // warm the JIT on the EC arithmetic and on the whole gRPC path before measuring either
            rate(signOne, Duration.ofSeconds(3), THREADS);
            rate(verifyOne, Duration.ofSeconds(3), THREADS);
            rate(issueOne, Duration.ofSeconds(10), CALLERS);
            double[] before = serverSideSeconds();
            CpuUse cpuBefore = CpuUse.now(WORKERS, "vert.x-eventloop", "grpc-nio-worker");
            long t1 = System.nanoTime();
            double issued = rate(issueOne, RUN, CALLERS);
            double certificates = issued * (System.nanoTime() - t1) / 1e9;
            CpuUse cpu = CpuUse.now(WORKERS, "vert.x-eventloop", "grpc-nio-worker").minus(cpuBefore);
            double[] after = serverSideSeconds();
            double serverMillis = (after[0] - before[0]) / (after[1] - before[1]) * 1000;
            long t0 = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                issueOne.call();
            }
            double sequentialMillis = (System.nanoTime() - t0) / 1e6 / 50;

            double signs = rate(signOne, RUN, THREADS);
            double verifies = rate(verifyOne, Duration.ofSeconds(4), THREADS);
            double signPlusVerify = 1 / (1 / signs + 1 / verifies);
            String openssl = opensslSpeed();

            String md = String.format(Locale.ROOT, """
                    ## CA: certificate issuance (cert-manager-svc)

                    Measured in one JVM: %d gRPC callers in flight, server crypto on %d worker threads (one per core), P-256 CSRs through the real gRPC `Issue` API (TokenReview cached, \
                    CSR signature verified, leaf signed with BouncyCastle), against raw BouncyCastle P-256 on %d threads.

                    | measure | per second |
                    |---|---|
                    | certificates issued via gRPC | %.0f |
                    | raw BouncyCastle P-256 signatures (floor) | %.0f |
                    | raw BouncyCastle P-256 verifications (a fresh decoded key each, as for a CSR) | %.0f |
                    | raw sign + verify (the crypto one issuance needs) | %.0f |
                    | mean server-side time per Issue, from arrival (waiting for a worker included) to answer (ms) | %.2f |
                    | mean round trip of one sequential Issue call (ms) | %.2f |
                    | CPU per issued certificate, whole JVM (ms) | %.2f |
                    | … in the CA's workers (CSR check, certificate, signature) | %.2f |
                    | … in gRPC event loops (server and client) | %.2f |
                    | … outside Java threads (JIT compiler, GC, ended threads) | %.2f |
                    | … raw sign + verify, for comparison | %.2f |
                    | `openssl speed -seconds 3 ecdsap256` (one core, sign/s, verify/s) | %s |

                    **Ratio issued / raw signatures: %.2f** (goal >= 0.5). Ratio issued / raw sign+verify: %.2f.
                    """, CALLERS, THREADS, THREADS, issued, signs, verifies, signPlusVerify, serverMillis, sequentialMillis,
                    cpu.processMillis() / certificates, cpu.millis(WORKERS) / certificates,
                    (cpu.millis("vert.x-eventloop") + cpu.millis("grpc-nio-worker")) / certificates,
                    cpu.outsideJavaThreadsMillis() / certificates, THREADS * 1000 / signPlusVerify, openssl, issued / signs, issued / signPlusVerify);
            Path out = Path.of("target", "bench", "ca.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, md);
            System.out.println(md);
        } finally {
            channel.shutdownNow();
        }
    }

    private static byte[] sign(KeyPair keys, byte[] tbs) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA", Bc.PROVIDER);
        signer.initSign(keys.getPrivate(), TestCsrs.RANDOM);
        signer.update(tbs);
        return signer.sign();
    }

    /** Runs {@code op} on {@code threads} threads for {@code length}; operations per second over all threads. */
    private static double rate(Callable<Integer> op, Duration length, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long end = System.nanoTime() + length.toNanos();
        long start = System.nanoTime();
        List<Future<Integer>> counts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            counts.add(pool.submit(() -> {
                int n = 0;
                while (System.nanoTime() < end) {
                    n += op.call();
                }
                return n;
            }));
        }
        long total = 0;
        for (Future<Integer> count : counts) {
            total += count.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return total / seconds;
    }

    private static String opensslSpeed() {
        try {
            Process process = new ProcessBuilder("openssl", "speed", "-seconds", "3", "ecdsap256").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes());
            process.waitFor();
            for (String line : out.split("\n")) {
                if (line.contains("ecdsa (nistp256)")) {
                    String[] f = line.trim().split("\\s+");
                    return f[f.length - 2] + " / " + f[f.length - 1];
                }
            }
            return "not parsed";
        } catch (Exception e) {
            return "openssl not available (" + e.getMessage() + ")";
        }
    }

    /** qmesh_ca_issue_duration_seconds sum and count, scraped from /q/metrics. */
    private static double[] serverSideSeconds() {
        String metrics = io.restassured.RestAssured.given().accept("text/plain; version=0.0.4").get("/q/metrics").asString();
        double sum = 0;
        double count = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("qmesh_ca_issue_duration_seconds_sum")) {
                sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("qmesh_ca_issue_duration_seconds_count")) {
                count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return new double[] {sum, count};
    }
}
