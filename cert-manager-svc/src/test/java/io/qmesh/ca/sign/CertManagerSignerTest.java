package io.qmesh.ca.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.qmesh.api.Identity;
import io.qmesh.ca.config.CaConfig;
import io.qmesh.ca.issue.Certificates;
import io.qmesh.ca.issue.LeafKind;
import io.qmesh.ca.issue.LeafSubject;
import io.qmesh.ca.issue.Pem;
import io.qmesh.ca.issue.Serials;
import io.qmesh.ca.issue.TestCsrs;
import io.qmesh.ca.issue.TestRoots;
import io.qmesh.ca.issue.Validity;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * cert-manager signs: the test plays cert-manager's part on the mock API server, watching
 * CertificateRequests and setting status.certificate, status.ca and the Ready condition (or Denied).
 */
class CertManagerSignerTest {

    static final Clock CLOCK = Clock.systemUTC();
    static final LeafSubject BOOKSTORE = LeafSubject.spiffe(LeafKind.WORKLOAD, Identity.of("bookstore", "bookstore"), "cluster.local");

    final KubernetesServer server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
    final TestRoots.Ca issuerCa = TestRoots.root(CLOCK);
    final Map<String, Map<String, Object>> seenSpecs = new ConcurrentHashMap<>();
    SharedIndexInformer<GenericKubernetesResource> certManager;
    volatile String verdict = "sign";

    @BeforeEach
    void start() {
        server.before();
        certManager = server.getKubernetesMockServer().createClient().genericKubernetesResources(CertManagerSigner.CONTEXT)
                .inNamespace("qmesh-system").inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource request) {
                        answer(request);
                    }

                    @Override
                    public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource request) {
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource request, boolean unknown) {
                    }
                }, 0);
    }

    @AfterEach
    void stop() {
        certManager.close();
        server.after();
    }

    @Test
    void certificateRequest_signedByCertManager_returnsItsLeafAndCa() throws Exception {
        KeyPair keys = TestCsrs.ec("secp256r1");
        String csr = TestCsrs.csr(keys, List.of(BOOKSTORE.spiffeId()), List.of());

        Signer.SignedLeaf signed = signer().sign(new Signer.LeafRequest(BOOKSTORE, keys.getPublic(), csr,
                Validity.bounded(Duration.ofHours(1), Duration.ofHours(24), CLOCK)));

        signed.leaf().verify(issuerCa.certificate().getPublicKey());
        assertThat(signed.leaf().getSubjectAlternativeNames()).containsExactly(List.of(6, BOOKSTORE.spiffeId()));
        assertThat(seenSpecs.values()).singleElement().satisfies(spec -> {
            assertThat(spec.get("issuerRef")).isEqualTo(Map.of("name", "mesh-issuer", "kind", "ClusterIssuer", "group", "cert-manager.io"));
            assertThat(spec.get("duration")).isEqualTo("3600s");
            assertThat(spec.get("usages")).isEqualTo(List.of("digital signature", "server auth", "client auth"));
        });
        assertThat(server.getClient().genericKubernetesResources(CertManagerSigner.CONTEXT)
                .inNamespace("qmesh-system").list().getItems()).as("request deleted once answered").isEmpty();
    }

    @Test
    void signerBundle_isCertManagersCa() throws Exception {
        KeyPair keys = TestCsrs.ec("secp256r1");
        CertManagerSigner signer = signer();
        signer.sign(new Signer.LeafRequest(BOOKSTORE, keys.getPublic(), TestCsrs.csr(keys, List.of(BOOKSTORE.spiffeId()), List.of()),
                Validity.bounded(null, Duration.ofHours(24), CLOCK)));

        assertThat(signer.bundle().roots()).containsExactly(issuerCa.certificate());
    }

    @Test
    void deniedRequest_isSignerUnavailableSayingWhy() {
        verdict = "deny";
        KeyPair keys = TestCsrs.ec("secp256r1");

        assertThatThrownBy(() -> signer().sign(new Signer.LeafRequest(BOOKSTORE, keys.getPublic(),
                TestCsrs.csr(keys, List.of(BOOKSTORE.spiffeId()), List.of()), Validity.bounded(null, Duration.ofHours(24), CLOCK))))
                .isInstanceOf(Signer.SignerUnavailable.class)
                .hasMessageContaining("was not signed by issuer mesh-issuer")
                .hasMessageContaining("Denied=True");
    }

    @Test
    void leafWithoutTheDecidedSpiffeId_isNotHandedOut() {
        KeyPair keys = TestCsrs.ec("secp256r1");

        assertThatThrownBy(() -> signer().sign(new Signer.LeafRequest(BOOKSTORE, keys.getPublic(), TestCsrs.csr(keys),
                Validity.bounded(null, Duration.ofHours(24), CLOCK))))
                .isInstanceOf(Signer.SignerUnavailable.class)
                .hasMessageContaining("but the CA decided " + BOOKSTORE.spiffeId());
    }

    private CertManagerSigner signer() {
        return new CertManagerSigner(server.getClient(), "qmesh-system", new CaConfig.CertManager() {
            public String issuerName() {
                return "mesh-issuer";
            }

            public String issuerKind() {
                return "ClusterIssuer";
            }

            public String issuerGroup() {
                return "cert-manager.io";
            }

            public Duration timeout() {
                return Duration.ofSeconds(10);
            }
        });
    }

    /** cert-manager's part: sign with the SANs the CSR asks for (as cert-manager does), or deny. */
    @SuppressWarnings("unchecked")
    private void answer(GenericKubernetesResource request) {
        try {
            Map<String, Object> spec = (Map<String, Object>) request.getAdditionalProperties().get("spec");
            seenSpecs.put(request.getMetadata().getName(), spec);
            Map<String, Object> status = new HashMap<>();
            if (verdict.equals("deny")) {
                status.put("conditions", List.of(Map.of("type", "Denied", "status", "True", "reason", "PolicyDenied",
                        "message", "denied by approver-policy")));
            } else {
                String csrPem = new String(Base64.getDecoder().decode((String) spec.get("request")), StandardCharsets.US_ASCII);
                var csr = new JcaPKCS10CertificationRequest(Pem.parseCsr(csrPem));
                var uris = org.bouncycastle.asn1.x509.GeneralNames.fromExtensions(csr.getRequestedExtensions(),
                        org.bouncycastle.asn1.x509.Extension.subjectAlternativeName);
                LeafSubject subject = uris == null ? LeafSubject.webhook(List.of("no-san-requested"), "cluster.local")
                        : LeafSubject.spiffe(LeafKind.WORKLOAD, Identity.fromSpiffeId(uris.getNames()[0].getName().toString(), "cluster.local"), "cluster.local");
                var leaf = Certificates.leaf(subject, csr.getPublicKey(), issuerCa.issuer(),
                        Validity.bounded(Duration.ofHours(1), Duration.ofHours(24), CLOCK), Serials.random128(TestCsrs.RANDOM));
                status.put("certificate", Base64.getEncoder().encodeToString(Pem.encode(leaf).getBytes(StandardCharsets.US_ASCII)));
                status.put("ca", Base64.getEncoder().encodeToString(Pem.encode(issuerCa.certificate()).getBytes(StandardCharsets.US_ASCII)));
                status.put("conditions", List.of(Map.of("type", "Approved", "status", "True"),
                        Map.of("type", "Ready", "status", "True", "reason", "Issued")));
            }
            request.getAdditionalProperties().put("status", status);
            var requests = server.getKubernetesMockServer().createClient().genericKubernetesResources(CertManagerSigner.CONTEXT)
                    .inNamespace("qmesh-system");
            requests.resource(request).update();
        } catch (Exception e) {
            throw new IllegalStateException("fake cert-manager failed", e);
        }
    }
}
