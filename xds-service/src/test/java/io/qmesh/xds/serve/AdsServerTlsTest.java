package io.qmesh.xds.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qmesh.runtime.tls.ReloadingKeyManager;
import io.qmesh.runtime.tls.ReloadingTrustManager;
import io.qmesh.xds.generate.WorkloadCertificate;
import io.qmesh.xds.policy.PolicyHolder;
import java.net.Socket;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ADS port's TLS changes while it runs ({@code qmesh.xds.tls.mode=ca}): a renewed serving
 * certificate is presented on the next connection, a rotated trust bundle decides the next client
 * certificate, and the server is not ready before it holds both.
 */
class AdsServerTlsTest {

    static final String HOST = "xds-service.qmesh-system.svc";

    private final SecretStore secrets = new SecretStore();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private AdsServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop(null);
        }
    }

    @Test
    void renewedServingCertificate_isPresentedToTheNextConnection_withoutARestart() throws Exception {
        Root root = new Root("CN=mesh root");
        server = started("ca");
        server.serve(root.serving());
        secrets.putTrustBundle(root.pem);
        X509Certificate first = presented(root, root.client("bookbuyer"));

        server.serve(root.serving());
        X509Certificate second = presented(root, root.client("bookbuyer"));

        assertThat(second.getPublicKey()).as("the renewed certificate, with its new key").isNotEqualTo(first.getPublicKey());
        assertThat(second.getSubjectAlternativeNames()).containsExactly(List.of(2, HOST));
        assertThat(registry.get("qmesh_xds_serving_certificate_expiry_timestamp_seconds").gauge().value())
                .isEqualTo(second.getNotAfter().toInstant().getEpochSecond());
    }

    @Test
    void rotatedTrustBundle_admitsClientsOfTheNewRoot_andRefusesThoseOfTheRemovedOne() throws Exception {
        Root old = new Root("CN=old root");
        Root next = new Root("CN=new root");
        server = started("ca");
        server.serve(old.serving());
        secrets.putTrustBundle(old.pem);
        assertThat(handshake(old, next.client("bookbuyer"))).as("a client of a root not yet trusted")
                .isEqualTo(Status.Code.UNAVAILABLE);

        secrets.putTrustBundle(old.pem + next.pem);
        assertThat(handshake(old, next.client("bookbuyer"))).as("both roots trusted during the overlap")
                .isNotEqualTo(Status.Code.UNAVAILABLE);
        assertThat(handshake(old, old.client("bookbuyer"))).isNotEqualTo(Status.Code.UNAVAILABLE);

        secrets.putTrustBundle(next.pem);
        assertThat(handshake(old, old.client("bookbuyer"))).as("a client of the removed root").isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void refusedClientCertificates_areCountedByReason_soAnExpiredBootstrapCertificateShows() throws Exception {
        Root root = new Root("CN=mesh root");
        Root other = new Root("CN=another root");
        server = started("ca");
        server.serve(root.serving());
        secrets.putTrustBundle(root.pem);
        Instant now = Instant.now();

        assertThat(handshake(root, root.client("bookbuyer", now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)))))
                .isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(handshake(root, other.client("bookbuyer"))).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(handshake(root, root.client("bookbuyer"))).isNotEqualTo(Status.Code.UNAVAILABLE);

        assertThat(rejected("expired")).isEqualTo(1);
        assertThat(rejected("untrusted")).isEqualTo(1);
        assertThat(rejected("not_yet_valid")).isZero();
    }

    private double rejected(String reason) {
        return registry.get("qmesh.xds.client.certificates.rejected").tag("reason", reason).counter().count();
    }

    @Test
    void notReady_untilItHoldsAServingCertificateAndATrustBundle() throws Exception {
        Root root = new Root("CN=mesh root");
        server = started("ca");
        assertThat(server.readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(server.readiness().getData().get().get("reason")).isEqualTo("no serving certificate from cert-manager-svc yet");

        server.serve(root.serving());
        assertThat(server.readiness().getData().get().get("reason")).isEqualTo("no trust bundle from cert-manager-svc yet");

        secrets.putTrustBundle(root.pem);
        assertThat(server.readiness().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void inconsistentConfiguration_failsTheStart_namingTheProperty() {
        assertThatThrownBy(() -> adsServer("ca", false).start(null))
                .hasMessageContaining("qmesh.xds.tls.mode=ca needs cert-manager-svc, but qmesh.xds.ca.enabled=false");
        assertThatThrownBy(() -> adsServer("files", true).start(null)).hasMessage("qmesh.xds.tls.mode=files needs qmesh.xds.tls.certificate");
        assertThatThrownBy(() -> adsServer("plaintext", true).start(null))
                .hasMessageContaining("qmesh.xds.require-client-certificate must be false");
        assertThatThrownBy(() -> adsServer("mtls", true)).hasMessage("qmesh.xds.tls.mode: 'mtls' is not one of ca, files, plaintext");
    }

    private AdsServer started(String mode) throws Exception {
        AdsServer s = adsServer(mode, true);
        s.start(null);
        return s;
    }

    private AdsServer adsServer(String mode, boolean caEnabled) {
        XdsMetrics metrics = new XdsMetrics(registry);
        XdsServer xds = new XdsServer(new PolicyHolder(), secrets, metrics, 1);
        return new AdsServer(new AdsService(xds, metrics, true), secrets, metrics, mode, 0, List.of(HOST), caEnabled,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The serving certificate the server presents to a client trusting {@code root}, over a JSSE handshake. */
    private X509Certificate presented(Root root, WorkloadCertificate client) throws Exception {
        ReloadingKeyManager key = new ReloadingKeyManager();
        key.update(client.chainPem(), client.privateKeyPem());
        ReloadingTrustManager trust = new ReloadingTrustManager();
        trust.update(root.pem);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {key}, new TrustManager[] {trust}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(new Socket("127.0.0.1", server.port()),
                HOST, server.port(), true)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /**
     * How an ADS stream with this client certificate ends: UNAVAILABLE when the TLS handshake fails;
     * otherwise the admission's verdict (this server holds no policy, so it refuses every pod).
     */
    private Status.Code handshake(Root serverRoot, WorkloadCertificate client) throws Exception {
        ReloadingKeyManager key = new ReloadingKeyManager();
        key.update(client.chainPem(), client.privateKeyPem());
        ReloadingTrustManager trust = new ReloadingTrustManager();
        trust.update(serverRoot.pem);
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                TlsChannelCredentials.newBuilder().keyManager(key).trustManager(trust).build()).overrideAuthority(HOST).build();
        try (TestAdsClient ads = new TestAdsClient(channel, true, "bookbuyer", "bookbuyer-1", "uid").start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ads.error() != null);
            return Status.fromThrowable(ads.error()).getCode();
        }
    }

    /** A test mesh root and the certificates it signs. */
    static final class Root {
        final KeyPair key;
        final String name;
        final String pem;

        Root(String name) throws Exception {
            this.key = MtlsResource.ec();
            this.name = name;
            this.pem = MtlsResource.pem(MtlsResource.certificate(name, key, name, key, null, true));
        }

        WorkloadCertificate serving() throws Exception {
            return leaf(new GeneralName(GeneralName.dNSName, HOST));
        }

        WorkloadCertificate client(String serviceAccount) throws Exception {
            Instant now = Instant.now();
            return client(serviceAccount, now.minusSeconds(60), now.plus(Duration.ofDays(1)));
        }

        WorkloadCertificate client(String serviceAccount, Instant notBefore, Instant notAfter) throws Exception {
            return leaf(new GeneralName(GeneralName.uniformResourceIdentifier,
                    "spiffe://cluster.local/ns/bookbuyer/sa/" + serviceAccount), notBefore, notAfter);
        }

        private WorkloadCertificate leaf(GeneralName san) throws Exception {
            Instant now = Instant.now();
            return leaf(san, now.minusSeconds(60), now.plus(Duration.ofDays(1)));
        }

        private WorkloadCertificate leaf(GeneralName san, Instant notBefore, Instant notAfter) throws Exception {
            KeyPair leafKey = MtlsResource.ec();
            X509Certificate leaf = MtlsResource.certificate("CN=leaf", leafKey, name, key, san, false, notBefore, notAfter);
            return new WorkloadCertificate(MtlsResource.pem(leaf), MtlsResource.pem(new JcaPKCS8Generator(leafKey.getPrivate(), null)),
                    leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
        }
    }
}
