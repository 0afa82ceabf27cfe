package io.qmesh.ca.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmesh.api.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of chain the CA builds, checked by the real openssl (verify and x509 -text). */
class IssuedChainsOpensslIT {

    static final Clock CLOCK = Clock.systemUTC();
    static final TestRoots.Ca ROOT = TestRoots.root(CLOCK);
    static final TestRoots.Ca OTHER_ROOT = TestRoots.root(CLOCK);

    @TempDir
    Path dir;

    @BeforeAll
    static void opensslPresent() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed (apt-get install openssl)");
    }

    @Test
    void workloadChain_verifiesAgainstTheBundle_andShowsSpiffeSanUsageAndValidity() throws Exception {
        X509Certificate leaf = leaf(LeafSubject.spiffe(LeafKind.WORKLOAD, Identity.of("bookstore", "bookstore-v1"), "cluster.local"), ROOT.issuer());

        assertThat(verify(leaf, List.of(), ROOT.certificate())).isEqualTo("leaf.pem: OK");
        String text = text(leaf);
        assertThat(text).contains("X509v3 Subject Alternative Name: critical", "URI:spiffe://cluster.local/ns/bookstore/sa/bookstore-v1")
                .contains("X509v3 Key Usage: critical", "Digital Signature")
                .contains("TLS Web Server Authentication, TLS Web Client Authentication")
                .contains("CA:FALSE", "Not Before:", "Not After :", "ecdsa-with-SHA256")
                .doesNotContain("Key Encipherment");
    }

    @Test
    void bootstrapChain_verifies_andCarriesTheProxysSpiffeId() throws Exception {
        X509Certificate leaf = leaf(LeafSubject.spiffe(LeafKind.BOOTSTRAP, Identity.of("bookstore", "bookbuyer"), "cluster.local"), ROOT.issuer());

        assertThat(verify(leaf, List.of(), ROOT.certificate())).isEqualTo("leaf.pem: OK");
        assertThat(text(leaf)).contains("URI:spiffe://cluster.local/ns/bookstore/sa/bookbuyer");
    }

    @Test
    void webhookChain_verifies_andCarriesTheServiceDnsNames() throws Exception {
        X509Certificate leaf = leaf(LeafSubject.webhook(List.of("sidecar-injector.qmesh-system.svc",
                "sidecar-injector.qmesh-system.svc.cluster.local"), "cluster.local"), ROOT.issuer());

        assertThat(verify(leaf, List.of(), ROOT.certificate())).isEqualTo("leaf.pem: OK");
        assertThat(text(leaf)).contains("DNS:sidecar-injector.qmesh-system.svc, DNS:sidecar-injector.qmesh-system.svc.cluster.local")
                .contains("Subject: CN = sidecar-injector.qmesh-system.svc");
        assertThat(opensslOk("verify", "-CAfile", write("bundle.pem", ROOT.certificate()), "-purpose", "sslserver",
                write("leaf.pem", leaf))).isTrue();
    }

    @Test
    void servingChain_verifiesForTlsServers_andCarriesTheServiceDnsNames() throws Exception {
        X509Certificate leaf = leaf(LeafSubject.dns(LeafKind.SERVING, List.of("xds-service.qmesh-system.svc"), "cluster.local"),
                ROOT.issuer());

        assertThat(text(leaf)).contains("DNS:xds-service.qmesh-system.svc").doesNotContain("URI:");
        assertThat(opensslOk("verify", "-CAfile", write("bundle.pem", ROOT.certificate()), "-purpose", "sslserver",
                write("leaf.pem", leaf))).isTrue();
    }

    @Test
    void rsaLeaf_showsKeyEnciphermentToo() throws Exception {
        X509Certificate leaf = Certificates.leaf(LeafSubject.spiffe(LeafKind.WORKLOAD, Identity.of("a", "b"), "cluster.local"),
                TestCsrs.rsa(2048).getPublic(), ROOT.issuer(), Validity.bounded(null, Duration.ofHours(24), CLOCK), TestRoots.serial());

        assertThat(text(leaf)).contains("Digital Signature, Key Encipherment");
        assertThat(verify(leaf, List.of(), ROOT.certificate())).isEqualTo("leaf.pem: OK");
    }

    @Test
    void intermediateChain_verifiesUpToTheUsersRoot() throws Exception {
        TestRoots.Ca intermediate = TestRoots.intermediate(OTHER_ROOT, CLOCK);
        Issuer issuer = new Issuer(intermediate.keys().getPrivate(), intermediate.certificate(),
                List.of(intermediate.certificate(), OTHER_ROOT.certificate()));
        X509Certificate leaf = leaf(LeafSubject.spiffe(LeafKind.WORKLOAD, Identity.of("bookstore", "bookstore"), "cluster.local"), issuer);

        assertThat(verify(leaf, issuer.chain(), OTHER_ROOT.certificate())).isEqualTo("leaf.pem: OK");
    }

    @Test
    void chainCheckedAgainstADifferentRoot_fails() throws Exception {
        X509Certificate leaf = leaf(LeafSubject.spiffe(LeafKind.WORKLOAD, Identity.of("bookstore", "bookstore"), "cluster.local"), ROOT.issuer());

        assertThat(verify(leaf, List.of(), OTHER_ROOT.certificate())).contains("unable to get local issuer certificate");
    }

    private static X509Certificate leaf(LeafSubject subject, Issuer issuer) {
        return Certificates.leaf(subject, TestCsrs.ec("secp256r1").getPublic(), issuer,
                Validity.bounded(null, Duration.ofHours(24), CLOCK), TestRoots.serial());
    }

    private String verify(X509Certificate leaf, List<X509Certificate> chain, X509Certificate trusted) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "verify", "-CAfile", write("bundle.pem", trusted)));
        if (!chain.isEmpty()) {
            command.addAll(List.of("-untrusted", write("chain.pem", chain.toArray())));
        }
        command.add(write("leaf.pem", leaf));
        return run(command).replace(dir.toString() + "/", "").trim();
    }

    private String text(X509Certificate leaf) throws Exception {
        return run(List.of("openssl", "x509", "-noout", "-text", "-in", write("leaf.pem", leaf)));
    }

    private boolean opensslOk(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor() == 0;
    }

    private String write(String name, Object... objects) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, Pem.encode(objects));
        return file.toString();
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return out;
    }
}
