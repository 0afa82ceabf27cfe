package io.qmesh.ca.grpc;

import static io.qmesh.ca.grpc.ApiServerPlay.BOOKSTORE_TOKEN;
import static io.qmesh.ca.grpc.ApiServerPlay.INJECTOR_TOKEN;
import static io.qmesh.ca.grpc.ApiServerPlay.USER_TOKEN;
import static io.qmesh.ca.grpc.ApiServerPlay.XDS_TOKEN;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.qmesh.api.certs.v1.IssueResponse;
import io.qmesh.api.crd.config.MeshConfig;
import io.qmesh.ca.auth.BearerTokenInterceptor;
import io.qmesh.ca.issue.Pem;
import io.qmesh.ca.issue.TestCsrs;
import io.qmesh.testing.ServiceEndpoints;
import io.quarkus.grpc.GrpcService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue over gRPC as the mesh's callers use it, with the fabric8 mock server playing the API server. */
@QuarkusTest
@WithKubernetesTestServer
class IssueGrpcTest {

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    @GrpcService
    CertificateAuthorityService service;

    @Inject
    MeterRegistry registry;

    static ManagedChannel channel;

    @BeforeEach
    void ready() {
        ApiServerPlay.tokenReviews(server);
        if (channel == null) {
            channel = CaClient.channel();
        }
        Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> ServiceEndpoints.assertReadyWith("ca-root"));
    }

    @AfterAll
    static void close() {
        if (channel != null) {
            channel.shutdownNow();
            channel = null;
        }
    }

    @Test
    void xdsService_getsWorkloadCertificate_signedByTheRootInTheBundle() throws Exception {
        var keys = TestCsrs.ec("secp256r1");
        IssueResponse response = CaClient.as(channel, XDS_TOKEN).issue(CaClient.workload(TestCsrs.csr(keys), "bookstore", "bookstore-v1"));

        List<X509Certificate> chain = Pem.parseCertificates(response.getCertificateChainPem());
        List<X509Certificate> bundle = Pem.parseCertificates(response.getTrustBundlePem());
        X509Certificate leaf = chain.get(0);
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(6, "spiffe://cluster.local/ns/bookstore/sa/bookstore-v1"));
        assertThat(leaf.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(bundle).anySatisfy(root -> assertThat(root.getSubjectX500Principal()).isEqualTo(leaf.getIssuerX500Principal()));
        X509Certificate root = bundle.stream().filter(r -> r.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())).findFirst().orElseThrow();
        leaf.verify(root.getPublicKey());
        assertThat(response.getSerialNumber()).isEqualTo(leaf.getSerialNumber().toString(16));
        assertThat(Instant.ofEpochSecond(response.getNotAfter().getSeconds()))
                .isBetween(Instant.now().plusSeconds(24 * 3600 - 60), Instant.now().plusSeconds(24 * 3600 + 1));
    }

    @Test
    void rootSecret_isCreatedInTheControlPlaneNamespace_andHoldsTheBundledRoot() {
        var secret = server.getClient().secrets().inNamespace("qmesh-system").withName("qmesh-ca-root").get();

        assertThat(secret).isNotNull();
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getData()).containsKeys("tls.crt", "tls.key", "ca.crt", "roots");
    }

    @Test
    void sidecarInjector_getsBootstrapAndItsOwnWebhookCertificates() throws Exception {
        var bootstrap = CaClient.as(channel, INJECTOR_TOKEN).issue(CaClient.bootstrap(TestCsrs.csr(TestCsrs.ec("secp256r1")), "bookstore", "bookbuyer"));
        var webhook = CaClient.as(channel, INJECTOR_TOKEN).issue(CaClient.webhook(TestCsrs.csr(TestCsrs.ec("secp256r1")),
                List.of("sidecar-injector.qmesh-system.svc")));

        assertThat(Pem.parseCertificates(bootstrap.getCertificateChainPem()).get(0).getSubjectAlternativeNames())
                .containsExactly(List.of(6, "spiffe://cluster.local/ns/bookstore/sa/bookbuyer"));
        assertThat(Pem.parseCertificates(webhook.getCertificateChainPem()).get(0).getSubjectAlternativeNames())
                .containsExactly(List.of(2, "sidecar-injector.qmesh-system.svc"));
    }

    @Test
    void xdsService_getsAServingCertificateForItsOwnServiceOnly() throws Exception {
        var xds = CaClient.as(channel, XDS_TOKEN);
        var serving = xds.issue(CaClient.serving(TestCsrs.csr(TestCsrs.ec("secp256r1")),
                List.of("xds-service.qmesh-system.svc", "xds-service.qmesh-system.svc.cluster.local")));

        assertThat(Pem.parseCertificates(serving.getCertificateChainPem()).get(0).getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(List.of(2, "xds-service.qmesh-system.svc"), List.of(2, "xds-service.qmesh-system.svc.cluster.local"));
        var injectorsName = CaClient.serving(TestCsrs.csr(TestCsrs.ec("secp256r1")), List.of("sidecar-injector.qmesh-system.svc"));
        assertThatThrownBy(() -> xds.issue(injectorsName)).hasMessageContaining("PERMISSION_DENIED: permission_denied: caller "
                + "qmesh-system/xds-service may not obtain SERVING DNS name sidecar-injector.qmesh-system.svc");
    }

    @Test
    void noToken_isUnauthenticated() {
        assertRefused(CaClient.as(channel, null), Status.Code.UNAUTHENTICATED, "no ServiceAccount token");
    }

    @Test
    void tokenTheApiServerRejects_isUnauthenticated() {
        assertRefused(CaClient.as(channel, "stolen-or-expired"), Status.Code.UNAUTHENTICATED, "invalid bearer token");
    }

    @Test
    void refusedCaller_workloadAskingForAnIdentity_isPermissionDeniedNamingCallerAndKind() {
        assertRefused(CaClient.as(channel, BOOKSTORE_TOKEN), Status.Code.PERMISSION_DENIED,
                "caller bookstore/bookstore may not obtain WORKLOAD certificates");
        assertRefused(CaClient.as(channel, INJECTOR_TOKEN), Status.Code.PERMISSION_DENIED,
                "caller qmesh-system/sidecar-injector may not obtain WORKLOAD certificates");
        assertRefused(CaClient.as(channel, USER_TOKEN), Status.Code.PERMISSION_DENIED, "user=alice@example.com is not a ServiceAccount");
    }

    @Test
    void refusedIdentity_csrClaimingAnotherIdentityOrControlPlaneIdentity_isRefused() {
        var xds = CaClient.as(channel, XDS_TOKEN);
        var claimsAdmin = CaClient.workload(TestCsrs.csr(TestCsrs.ec("secp256r1"),
                List.of("spiffe://cluster.local/ns/kube-system/sa/admin"), List.of()), "bookstore", "bookstore");
        assertThatThrownBy(() -> xds.issue(claimsAdmin)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).startsWith("identity_mismatch: CSR asks for URI SAN spiffe://cluster.local/ns/kube-system/sa/admin");
        });
        var controlPlane = CaClient.workload(TestCsrs.csr(TestCsrs.ec("secp256r1")), "qmesh-system", "cert-manager-svc");
        assertThatThrownBy(() -> xds.issue(controlPlane)).isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                assertThat(e.getStatus().getDescription()).contains("namespace qmesh-system is the control plane's"));
        var foreignWebhook = CaClient.webhook(TestCsrs.csr(TestCsrs.ec("secp256r1")), List.of("api.default.svc"));
        assertThatThrownBy(() -> CaClient.as(channel, INJECTOR_TOKEN).issue(foreignWebhook)).hasMessageContaining(
                "PERMISSION_DENIED: permission_denied: caller qmesh-system/sidecar-injector may not obtain WEBHOOK DNS name api.default.svc: only the names of its own Service sidecar-injector.qmesh-system");
    }

    @Test
    void weakKeyAndBadSignature_areInvalidArgumentSayingWhy() {
        var xds = CaClient.as(channel, XDS_TOKEN);
        assertThatThrownBy(() -> xds.issue(CaClient.workload(TestCsrs.csr(TestCsrs.rsa(1024)), "bookstore", "bookstore")))
                .hasMessageContaining("INVALID_ARGUMENT: weak_key: RSA key of 1024 bits");
        assertThatThrownBy(() -> xds.issue(CaClient.workload(TestCsrs.forged(TestCsrs.ec("secp256r1"), TestCsrs.ec("secp256r1")), "bookstore", "bookstore")))
                .hasMessageContaining("INVALID_ARGUMENT: bad_signature");
    }

    @Test
    void tokenReview_isCachedAcrossCalls() {
        var xds = CaClient.as(channel, XDS_TOKEN);
        xds.issue(CaClient.workload(TestCsrs.csr(TestCsrs.ec("secp256r1")), "bookstore", "a"));
        int before = ApiServerPlay.REVIEWS.get();
        for (int i = 0; i < 5; i++) {
            xds.issue(CaClient.workload(TestCsrs.csr(TestCsrs.ec("secp256r1")), "bookstore", "a" + i));
        }
        assertThat(ApiServerPlay.REVIEWS.get()).isEqualTo(before);
    }

    @Test
    void meshConfigValidity_boundsTheRequestedTtl() {
        MeshConfig config = new MeshConfig();
        config.getMetadata().setName("qmesh-mesh-config");
        config.getMetadata().setNamespace("qmesh-system");
        config.setSpec(new MeshConfig.Spec());
        config.getSpec().certificate = new MeshConfig.Certificate();
        config.getSpec().certificate.serviceCertValidityDuration = "1h";
        var meshConfigs = server.getClient().resources(MeshConfig.class).inNamespace("qmesh-system");
        meshConfigs.resource(config).create();
        try {
            var tenHours = CaClient.workload(TestCsrs.csr(TestCsrs.ec("secp256r1")), "bookstore", "bookstore").toBuilder()
                    .setTtl(Duration.newBuilder().setSeconds(36000)).build();
            Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
                var notAfter = Instant.ofEpochSecond(CaClient.as(channel, XDS_TOKEN).issue(tenHours).getNotAfter().getSeconds());
                assertThat(notAfter).isBefore(Instant.now().plusSeconds(3601));
            });
            var tenMinutes = tenHours.toBuilder().setTtl(Duration.newBuilder().setSeconds(600)).build();
            assertThat(Instant.ofEpochSecond(CaClient.as(channel, XDS_TOKEN).issue(tenMinutes).getNotAfter().getSeconds()))
                    .isBefore(Instant.now().plusSeconds(601));
        } finally {
            meshConfigs.withName("qmesh-mesh-config").delete();
        }
    }

    @Test
    void metrics_countIssuedAndRejected_timeIssuance_andShowRootExpiry() {
        CaClient.as(channel, XDS_TOKEN).issue(CaClient.workload(TestCsrs.csr(TestCsrs.ec("secp256r1")), "bookstore", "m"));
        assertThatThrownBy(() -> CaClient.as(channel, BOOKSTORE_TOKEN).issue(CaClient.workload(TestCsrs.csr(TestCsrs.ec("secp256r1")), "bookstore", "m")));

        // the root expiry gauge reads the root the CA holds; wait for a scrape that has it (CI saw one without)
        String metrics = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> given().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200).extract().asString(),
                        text -> text.matches("(?s).*qmesh_ca_root_expiry_timestamp_seconds [0-9.]+E9.*"));
        assertThat(metrics)
                .containsPattern("qmesh_ca_certificates_issued_total\\{kind=\"workload\",signer=\"builtin\",?\\} [1-9]")
                .containsPattern("qmesh_ca_issue_rejected_total\\{reason=\"permission_denied\",?\\} [1-9]")
                .contains("qmesh_ca_issue_duration_seconds_bucket{le=")
                .contains("qmesh_ca_issue_duration_seconds_count")
                .containsPattern("qmesh_ca_root_expiry_timestamp_seconds [0-9.]+E9");
    }

    @Test
    void callWhoseCallerGaveUpBeforeAWorkerTookIt_isNotSigned_andCountedAbandoned() {
        double abandonedBefore = registry.get("qmesh_ca_issue_abandoned").counter().count();
        double issuedBefore = issuedCount();
        List<Object> answers = new CopyOnWriteArrayList<>();
        // as gRPC hands the call over once its deadline has passed while it waited in the workers' queue
        Context.CancellableContext gaveUp = Context.current().withValue(BearerTokenInterceptor.TOKEN, XDS_TOKEN).withCancellation();
        gaveUp.cancel(null);
        gaveUp.run(() -> service.issue(CaClient.workload(TestCsrs.csr(TestCsrs.ec("secp256r1")), "bookstore", "late"),
                new StreamObserver<>() {
                    @Override
                    public void onNext(IssueResponse value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answers.add(t);
                    }

                    @Override
                    public void onCompleted() {
                        answers.add("completed");
                    }
                }));

        Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> registry.get("qmesh_ca_issue_abandoned").counter().count() == abandonedBefore + 1);
        assertThat(issuedCount()).isEqualTo(issuedBefore);
        assertThat(answers).isEmpty();
    }

    private double issuedCount() {
        return registry.find("qmesh_ca_certificates_issued").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static void assertRefused(io.qmesh.api.certs.v1.CertificateAuthorityGrpc.CertificateAuthorityBlockingStub stub,
            Status.Code code, String says) {
        var request = CaClient.workload(TestCsrs.csr(TestCsrs.ec("secp256r1")), "bookstore", "bookstore");
        assertThatThrownBy(() -> stub.issue(request)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(says);
        });
    }
}
