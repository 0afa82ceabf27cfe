package io.qmesh.injector;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.qmesh.api.MeshLabels;
import io.qmesh.injector.certs.TestCaResource;
import io.qmesh.injector.patch.EnvoyBootstrap;
import io.qmesh.injector.patch.PodInjector;
import io.qmesh.runtime.tls.Pem;
import io.qmesh.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook as the API server sees it: HTTPS trusted through the caBundle it set, AdmissionReviews in and out. */
@QuarkusTest
@WithKubernetesTestServer(setup = ClusterSetup.class)
@QuarkusTestResource(TestCaResource.class)
class WebhookEndpointTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KubernetesClient client;
    @Inject
    WebhookServer server;

    WebhookClient webhook;

    @BeforeEach
    void connect() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> server.port() > 0 && caBundle() != null);
        webhook = new WebhookClient(caBundle(), server.port());
    }

    String caBundle() {
        var mwc = client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("qmesh-sidecar-injector").get();
        return mwc.getWebhooks().get(0).getClientConfig().getCaBundle();
    }

    static String review(String uid, String namespace, String pod) {
        return """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"%s",
                 "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
                 "namespace":"%s","operation":"CREATE","object":%s}}""".formatted(uid, namespace, pod);
    }

    static String pod(String name) {
        return """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"app":"web"}},
                 "spec":{"serviceAccountName":"web","containers":[{"name":"app","image":"nginx",
                 "readinessProbe":{"httpGet":{"path":"/ready","port":8080}}}]}}""".formatted(name);
    }

    JsonNode post(String body) throws Exception {
        HttpResponse<String> r = webhook.post(WebhookServer.PATH, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("response");
    }

    static List<JsonNode> patch(JsonNode response) throws Exception {
        if (!response.has("patch")) {
            return List.of();
        }
        JsonNode ops = JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
        return List.copyOf(JSON.convertValue(ops, List.class).stream().map(o -> JSON.valueToTree(o)).map(JsonNode.class::cast).toList());
    }

    @Test
    void enrolledPod_isPatchedWithNativeSidecar_andGetsBootstrapSecretSignedByTheCa() throws Exception {
        JsonNode response = post(review("uid-1", ClusterSetup.ENROLLED, pod("web-1")));

        assertThat(response.path("uid").asText()).isEqualTo("uid-1");
        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
        List<JsonNode> ops = patch(response);
        JsonNode inits = ops.stream().filter(o -> o.path("path").asText().equals("/spec/initContainers")).findFirst().orElseThrow();
        // the mock API server answers /version with 1.30: Envoy is a native sidecar
        assertThat(inits.path("value").get(1).path("name").asText()).isEqualTo("envoy");
        assertThat(inits.path("value").get(1).path("restartPolicy").asText()).isEqualTo("Always");
        String uuid = ops.stream().filter(o -> o.path("path").asText().equals("/metadata/labels/qmesh.io~1proxy-uuid"))
                .findFirst().orElseThrow().path("value").asText();

        Secret secret = client.secrets().inNamespace(ClusterSetup.ENROLLED).withName("qmesh-bootstrap-" + uuid).get();
        assertThat(secret).as("bootstrap Secret qmesh-bootstrap-" + uuid).isNotNull();
        String bootstrap = data(secret, "bootstrap.yaml");
        assertThat(bootstrap).contains("pod_name: web-1").contains("port_value: 15128").contains("port_value: 15902");
        X509Certificate leaf = certificate(data(secret, "tls.crt"));
        X509Certificate root = certificate(data(secret, "ca.crt"));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)),
                noRevocation(root));
        assertThat(leaf.getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)).toList())
                .containsExactly("spiffe://cluster.local/ns/shop/sa/web");
        assertThat(data(secret, "tls.key")).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void deletedPod_takesItsBootstrapSecretWithIt_andLeavesOtherPodsSecrets() throws Exception {
        String gone = admitAndCreate("web-gone");
        String stays = admitAndCreate("web-stays");
        var secrets = client.secrets().inNamespace(ClusterSetup.ENROLLED);
        assertThat(secrets.withName(PodInjector.BOOTSTRAP_SECRET_PREFIX + gone).get()).isNotNull();

        client.pods().inNamespace(ClusterSetup.ENROLLED).withName("web-gone").delete();

        await().atMost(Duration.ofSeconds(10)).until(() -> secrets.withName(PodInjector.BOOTSTRAP_SECRET_PREFIX + gone).get() == null);
        assertThat(secrets.withName(PodInjector.BOOTSTRAP_SECRET_PREFIX + stays).get()).isNotNull();
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("qmesh_injector_bootstrap_secrets_deleted_total\\{[^}]*reason=\"pod_deleted\"[^}]*\\} [1-9]");
    }

    @Test
    void createdPod_ownsItsBootstrapSecret_soKubernetesDeletesItWithThePod() throws Exception {
        String uuid = admitAndCreate("web-owner");
        Pod pod = client.pods().inNamespace(ClusterSetup.ENROLLED).withName("web-owner").get();
        var secret = client.secrets().inNamespace(ClusterSetup.ENROLLED).withName(PodInjector.BOOTSTRAP_SECRET_PREFIX + uuid);

        await().atMost(Duration.ofSeconds(10)).until(() -> !secret.get().getMetadata().getOwnerReferences().isEmpty());
        assertThat(secret.get().getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Pod");
            assertThat(owner.getApiVersion()).isEqualTo("v1");
            assertThat(owner.getName()).isEqualTo("web-owner");
            assertThat(owner.getUid()).isNotBlank().isEqualTo(pod.getMetadata().getUid());
        });
        // still the Secret the webhook wrote: the merge patch only added the owner
        assertThat(data(secret.get(), "bootstrap.yaml")).contains("pod_name: web-owner");
    }

    @Test
    void secretOfAPodNeverCreated_isDeletedAfterTheGracePeriod_andCreatedPodsSecretsStay() throws Exception {
        List<JsonNode> ops = patch(post(review("uid-never", ClusterSetup.ENROLLED, pod("web-never"))));
        String never = ops.stream().filter(o -> o.path("path").asText().equals("/metadata/labels/qmesh.io~1proxy-uuid"))
                .findFirst().orElseThrow().path("value").asText();
        String created = admitAndCreate("web-created");
        var secrets = client.secrets().inNamespace(ClusterSetup.ENROLLED);
        assertThat(secrets.withName(PodInjector.BOOTSTRAP_SECRET_PREFIX + never).get()).isNotNull();

        // test grace period: 3 s (application.properties)
        await().atMost(Duration.ofSeconds(15)).until(() -> secrets.withName(PodInjector.BOOTSTRAP_SECRET_PREFIX + never).get() == null);
        Thread.sleep(1000);
        assertThat(secrets.withName(PodInjector.BOOTSTRAP_SECRET_PREFIX + created).get()).isNotNull();
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("qmesh_injector_bootstrap_secrets_deleted_total\\{[^}]*reason=\"pod_not_created\"[^}]*\\} [1-9]");
    }

    /** Admits a pod and creates it with the labels the patch gave it, as the API server would; its proxy uuid. */
    String admitAndCreate(String name) throws Exception {
        List<JsonNode> ops = patch(post(review("uid-" + name, ClusterSetup.ENROLLED, pod(name))));
        String uuid = ops.stream().filter(o -> o.path("path").asText().equals("/metadata/labels/qmesh.io~1proxy-uuid"))
                .findFirst().orElseThrow().path("value").asText();
        client.pods().inNamespace(ClusterSetup.ENROLLED).resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels(MeshLabels.PROXY_UUID, uuid).endMetadata()
                .withNewSpec().withServiceAccountName("web").addNewContainer().withName("app").withImage("nginx").endContainer().endSpec()
                .build()).create();
        return uuid;
    }

    @Test
    void runningPodsBootstrapCertificate_isRenewedInItsSecret_withANewKey_beforeItExpires() throws Exception {
        String uuid = admitAndCreate("web-renewed");
        var secret = client.secrets().inNamespace(ClusterSetup.ENROLLED).withName(PodInjector.BOOTSTRAP_SECRET_PREFIX + uuid);
        Secret written = secret.get();
        X509Certificate first = certificate(data(written, "tls.crt"));
        Instant firstDue = Instant.parse(written.getMetadata().getAnnotations().get(BootstrapRenewal.RENEW_AT));
        assertThat(firstDue).isBefore(first.getNotAfter().toInstant());

        Secret renewed = await().atMost(Duration.ofSeconds(30)).until(secret::get,
                s -> !serialOf(s).equals(first.getSerialNumber()));

        X509Certificate second = certificate(data(renewed, "tls.crt"));
        assertThat(second.getNotAfter()).isAfter(first.getNotAfter());
        assertThat(second.getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)).toList())
                .containsExactly("spiffe://cluster.local/ns/shop/sa/web");
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(second)),
                noRevocation(certificate(data(renewed, "ca.crt"))));
        // a new key, and the one the new certificate is for
        assertThat(data(renewed, "tls.key")).isNotEqualTo(data(written, "tls.key"));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(Pem.privateKey(data(renewed, "tls.key"), "EC"));
        signer.update(uuid.getBytes(StandardCharsets.UTF_8));
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(second.getPublicKey());
        verifier.update(uuid.getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(signature)).isTrue();
        assertThat(Instant.parse(renewed.getMetadata().getAnnotations().get(BootstrapRenewal.RENEW_AT))).isAfter(firstDue);
        // what Envoy reads stays as it was: the bootstrap and the SDS files naming the renewed files
        assertThat(data(renewed, "bootstrap.yaml")).isEqualTo(data(written, "bootstrap.yaml"));
        assertThat(data(renewed, EnvoyBootstrap.SDS_CERTIFICATE_FILE)).contains("/etc/envoy/tls.crt").contains("/etc/envoy/tls.key");
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("qmesh_injector_bootstrap_renewals_total\\{[^}]*result=\"renewed\"[^}]*\\} [1-9]");
    }

    @Test
    void certificateAnotherReplicaHasJustRenewed_isLeftAlone() throws Exception {
        String uuid = admitAndCreate("web-other-replica");
        var secret = client.secrets().inNamespace(ClusterSetup.ENROLLED).withName(PodInjector.BOOTSTRAP_SECRET_PREFIX + uuid);
        await().atMost(Duration.ofSeconds(10)).until(() -> !secret.get().getMetadata().getOwnerReferences().isEmpty());
        Instant due = Instant.parse(secret.get().getMetadata().getAnnotations().get(BootstrapRenewal.RENEW_AT));
        java.math.BigInteger serial = serialOf(secret.get());

        // what another replica's renewal leaves behind (its new certificate aside): a later due time
        String later = Instant.now().plus(Duration.ofMinutes(10)).toString();
        secret.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"" + BootstrapRenewal.RENEW_AT
                + "\":\"" + later + "\"}}}");
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), due).toMillis()) + 3000);

        assertThat(serialOf(secret.get())).as("not renewed a second time").isEqualTo(serial);
        assertThat(secret.get().getMetadata().getAnnotations()).containsEntry(BootstrapRenewal.RENEW_AT, later);
    }

    @Test
    void dryRun_patchesButWritesNoSecret() throws Exception {
        String body = review("uid-dry", ClusterSetup.ENROLLED, pod("dry")).replace("\"operation\":\"CREATE\"",
                "\"operation\":\"CREATE\",\"dryRun\":true");
        JsonNode response = post(body);

        assertThat(response.path("allowed").asBoolean()).isTrue();
        String uuid = patch(response).stream().filter(o -> o.path("path").asText().endsWith("proxy-uuid"))
                .findFirst().orElseThrow().path("value").asText();
        assertThat(client.secrets().inNamespace(ClusterSetup.ENROLLED).withName("qmesh-bootstrap-" + uuid).get()).isNull();
    }

    @Test
    void podOfNamespaceNotEnrolled_isAllowedWithoutPatch() throws Exception {
        JsonNode response = post(review("uid-2", ClusterSetup.NOT_ENROLLED, pod("web-2")));

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
    }

    @Test
    void badExclusionAnnotation_isDeniedNamingPodAndAnnotation() throws Exception {
        String pod = pod("web-3").replace("\"labels\"", "\"annotations\":{\"qmesh.io/inbound-port-exclusion-list\":\"http\"},\"labels\"");
        JsonNode response = post(review("uid-3", ClusterSetup.ENROLLED, pod));

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(422);
        assertThat(response.path("status").path("message").asText())
                .isEqualTo("pod shop/web-3: qmesh.io/inbound-port-exclusion-list: 'http' is not a port number (1-65535)");
    }

    @Test
    void bodyThatIsNotJson_getsAClearErrorResponse() throws Exception {
        JsonNode response = post("this is not json");

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(400);
        assertThat(response.path("status").path("message").asText()).startsWith("request body is not JSON");
    }

    @Test
    void reviewOfAnotherKind_getsAClearErrorResponseWithItsUid() throws Exception {
        JsonNode response = post(review("uid-4", ClusterSetup.ENROLLED, "{}")
                .replace("\"kind\":\"Pod\"},", "\"kind\":\"Deployment\",\"group\":\"apps\"},"));

        assertThat(response.path("uid").asText()).isEqualTo("uid-4");
        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("message").asText()).contains("apps/Deployment").contains("only core/v1 Pod");
    }

    @Test
    void reviewWithoutObject_getsAClearErrorResponse() throws Exception {
        JsonNode response = post(review("uid-5", ClusterSetup.ENROLLED, "null"));

        assertThat(response.path("status").path("message").asText()).isEqualTo("request.object is missing: no pod to admit");
    }

    @Test
    void wrongPathOrMethod_isAnsweredNotHung() throws Exception {
        assertThat(webhook.post("/elsewhere", "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void servingCertificate_namesTheServiceAndIsRenewedWithoutRestart() throws Exception {
        X509Certificate first = webhook.freshPeerCertificate();
        assertThat(first.getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)).toList())
                .contains("sidecar-injector.qmesh-system.svc").doesNotContain("sidecar-injector");
        int port = server.port();

        // the test CA issues 6 s certificates: renewal is due after 4 s
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> !webhook.freshPeerCertificate().getSerialNumber().equals(first.getSerialNumber()));
        assertThat(server.port()).isEqualTo(port);
        assertThat(post(review("uid-6", ClusterSetup.NOT_ENROLLED, pod("web-6"))).path("allowed").asBoolean()).isTrue();
    }

    @Test
    void caBundle_isTheCasTrustBundle() throws Exception {
        X509Certificate bundle = certificate(new String(Base64.getDecoder().decode(caBundle()), StandardCharsets.UTF_8));
        X509Certificate served = webhook.freshPeerCertificate();

        served.verify(bundle.getPublicKey());
    }

    @Test
    void metrics_countAdmissionsByResult_andTimeThem() throws Exception {
        post(review("uid-m1", ClusterSetup.NOT_ENROLLED, pod("m1")));
        post("garbage");

        String metrics = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("qmesh_injector_admissions_total\\{result=\"skipped\"\\} [1-9]")
                .containsPattern("qmesh_injector_admissions_total\\{result=\"invalid\"\\} [1-9]")
                .contains("qmesh_injector_admissions_total{result=\"error\"}")
                .containsPattern("qmesh_injector_admission_duration_seconds_count [1-9]")
                .contains("qmesh_injector_admission_duration_seconds_bucket{le=");
    }

    private static String data(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    private static java.math.BigInteger serialOf(Secret secret) {
        try {
            return certificate(data(secret, "tls.crt")).getSerialNumber();
        } catch (Exception e) {
            throw new IllegalStateException("tls.crt of " + secret.getMetadata().getName(), e);
        }
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
    }

    private static PKIXParameters noRevocation(X509Certificate root) throws Exception {
        PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        p.setRevocationEnabled(false);
        return p;
    }
}
