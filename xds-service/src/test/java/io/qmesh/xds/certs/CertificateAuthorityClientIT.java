package io.qmesh.xds.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.qmesh.api.Identity;
import io.qmesh.xds.generate.WorkloadCertificate;
import io.qmesh.xds.serve.SecretStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA client against an in-process certs.v1 test double of cert-manager-svc. */
class CertificateAuthorityClientIT {

    static final Identity BOOKSTORE = Identity.of("bookstore", "bookstore");

    @TempDir
    Path dir;

    @Test
    void identity_getsAWorkloadCertificateForItsSpiffeIdWithTheTokenAsBearer() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "xds-sa-token\n");
        SecretStore store = new SecretStore();
        try (FakeCertificateAuthority ca = new FakeCertificateAuthority("xds-sa-token", Duration.ofHours(1));
                CertificateAuthorityClient client = new CertificateAuthorityClient(store, ca.address(), token,
                        Clock.systemUTC(), "xds-service/test")) {
            client.start();
            client.ensure(Set.of(BOOKSTORE));

            await().atMost(Duration.ofSeconds(10)).until(() -> store.certificate(BOOKSTORE).isPresent());
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(store.certificate(BOOKSTORE).get().chainPem().getBytes(StandardCharsets.US_ASCII)));
            assertThat(leaf.getSubjectAlternativeNames()).anySatisfy(san ->
                    assertThat(san.get(1)).isEqualTo("spiffe://cluster.local/ns/bookstore/sa/bookstore"));
            assertThat(ca.tokensSeen).contains("Bearer xds-sa-token");
            await().atMost(Duration.ofSeconds(10)).until(() -> store.trustBundle().equals(ca.rootPem()));

            List<Secret> secrets = store.secretsFor(BOOKSTORE, "cluster.local");
            assertThat(secrets).extracting(Secret::getName)
                    .containsExactly("root-cert:cluster.local", "service-cert:bookstore/bookstore");
            assertThat(secrets.get(1).getTlsCertificate().getPrivateKey().getInlineString()).startsWith("-----BEGIN PRIVATE KEY-----");
        }
    }

    @Test
    void servingNames_getAServingCertificate_renewedAndHandedToTheListenerEachTime() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t");
        List<WorkloadCertificate> served = new CopyOnWriteArrayList<>();
        try (FakeCertificateAuthority ca = new FakeCertificateAuthority("t", Duration.ofSeconds(3));
                CertificateAuthorityClient client = new CertificateAuthorityClient(new SecretStore(), ca.address(), token,
                        Clock.systemUTC(), "xds-service/test")) {
            client.serving(List.of("xds-service.qmesh-system.svc"), served::add);
            client.ensure(Set.of(BOOKSTORE));
            client.ensure(Set.of());

            await().atMost(Duration.ofSeconds(10)).until(() -> served.size() >= 2);
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(served.get(1).chainPem().getBytes(StandardCharsets.US_ASCII)));
            assertThat(leaf.getSubjectAlternativeNames()).as("renewed, and kept when the workload identities change")
                    .containsExactly(List.of(2, "xds-service.qmesh-system.svc"));
            assertThat(served.get(1).privateKeyPem()).as("a fresh key for each").isNotEqualTo(served.get(0).privateKeyPem());
        }
    }

    @Test
    void shortLivedCertificate_isRenewedBeforeItExpires() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t");
        SecretStore store = new SecretStore();
        try (FakeCertificateAuthority ca = new FakeCertificateAuthority("t", Duration.ofSeconds(3));
                CertificateAuthorityClient client = new CertificateAuthorityClient(store, ca.address(), token,
                        Clock.systemUTC(), "xds-service/test")) {
            client.ensure(Set.of(BOOKSTORE));
            await().atMost(Duration.ofSeconds(10)).until(() -> ca.issued.size() >= 1);
            var first = store.certificate(BOOKSTORE);
            await().atMost(Duration.ofSeconds(10)).until(() -> ca.issued.size() >= 2);

            var second = ca.issued.get(1);
            var firstNotAfter = ca.issued.get(0).getNotAfter().getSeconds() * 1000 + ca.issued.get(0).getNotAfter().getNanos() / 1_000_000;
            var secondNotBefore = second.getNotBefore().getSeconds() * 1000 + second.getNotBefore().getNanos() / 1_000_000;
            assertThat(secondNotBefore).as("renewed before the first certificate expired").isLessThan(firstNotAfter);
            await().atMost(Duration.ofSeconds(5)).until(() -> !store.certificate(BOOKSTORE).equals(first));
        }
    }

    @Test
    void rejectedToken_isRetriedUntilTheRotatedTokenIsAccepted() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "stale");
        SecretStore store = new SecretStore();
        try (FakeCertificateAuthority ca = new FakeCertificateAuthority("fresh", Duration.ofHours(1));
                CertificateAuthorityClient client = new CertificateAuthorityClient(store, ca.address(), token,
                        Clock.systemUTC(), "xds-service/test")) {
            client.ensure(Set.of(BOOKSTORE));
            await().atMost(Duration.ofSeconds(10)).until(() -> ca.tokensSeen.contains("Bearer stale"));
            assertThat(store.certificate(BOOKSTORE)).isEmpty();

            Files.writeString(token, "fresh");

            await().atMost(Duration.ofSeconds(15)).until(() -> store.certificate(BOOKSTORE).isPresent());
        }
    }
}
