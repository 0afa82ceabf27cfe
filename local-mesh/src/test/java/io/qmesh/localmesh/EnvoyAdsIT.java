package io.qmesh.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.grpc.Grpc;
import io.grpc.TlsChannelCredentials;
import io.qmesh.api.certs.v1.CertificateKind;
import io.qmesh.xds.serve.TestAdsClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * xds-service as Envoy meets it, fed by the real mesh-controller over the in-memory Kubernetes API:
 * cert-manager-svc, mesh-controller and xds-service run as processes; the bookstore mesh is applied
 * as a user would (namespaces, ServiceAccounts, Services, TrafficTarget, TrafficSplit; pods and
 * EndpointSlices as the kubelet would write them). Two Envoy-like ADS clients, one SotW and one
 * delta, connect as pod bookbuyer over mTLS with the bootstrap certificate the real CA issued for
 * its ServiceAccount, receive its configuration and ACK it; then the TrafficSplit is re-applied with
 * other weights, and a route is NACKed; a pod that backs no Service gets its outbound configuration. xds-service's own {@code XdsAdsIT} keeps what only a test
 * double of mesh-controller can do (exact policy deltas, a controller restart mid-stream).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnvoyAdsIT {

    static final String POD = "bookbuyer-6b7f9";
    static final String XDS_HOST = "xds-service.qmesh-system.svc";
    static final String HTTP_ROUTES = "rds-outbound|14001";
    static final String APEX = "bookstore/bookstore|14001";
    static final String V1 = "bookstore/bookstore-v1|14001";
    static final String V2 = "bookstore/bookstore-v2|14001";
    static final Set<String> ALL_TYPES = Set.of(TestAdsClient.LDS, TestAdsClient.RDS, TestAdsClient.CDS, TestAdsClient.EDS,
            TestAdsClient.SDS);
    static final Duration START = Duration.ofMinutes(2);
    static final long PUSH_SECONDS = 30;

    /** Kept after the run: the processes' logs tell why a step failed. */
    final Path work = Path.of("target", "envoy-ads-it").toAbsolutePath();
    Layout layout;
    Processes processes;
    ControlPlane controlPlane;
    ClusterState cluster;
    TestAdsClient sotw;
    TestAdsClient delta;
    /** Pod bookbuyer's UID, as the API server assigned it. */
    String podUid;

    @BeforeAll
    void controlPlaneAndBookstoreMesh() throws Exception {
        layout = Layout.find(Path.of(""), work);
        processes = new Processes(work.resolve("logs"));
        controlPlane = new ControlPlane(layout, processes);
        controlPlane.startApi(START);
        cluster = new ClusterState(controlPlane.client());
        cluster.apply(layout.k8s().resolve("01-namespace.yaml"));
        cluster.apply(layout.k8s().resolve("examples/meshconfig.yaml"));
        cluster.apply(layout.demoManifests().resolve("00-namespaces.yaml"));
        cluster.apply(layout.demoManifests().resolve("10-identities-and-services.yaml"));
        cluster.apply(layout.demoManifests().resolve("policies/traffic-targets.yaml"));
        cluster.apply(layout.demoManifests().resolve("policies/traffic-split-50-50.yaml"));
        Map<String, Integer> ports = Map.of("http", 14001, "grpc", 14002);
        podUid = cluster.register(new ClusterState.Workload("bookbuyer", POD, "bookbuyer", Map.of("app", "bookbuyer"), ports));
        cluster.register(new ClusterState.Workload("bookstore", "bookstore-v1-58d4c", "bookstore",
                Map.of("app", "bookstore", "version", "v1"), ports));
        cluster.register(new ClusterState.Workload("bookstore", "bookstore-v2-7f6c8", "bookstore",
                Map.of("app", "bookstore", "version", "v2"), ports));
        controlPlane.startService("cert-manager-svc", START);
        controlPlane.startService("mesh-controller", START);

        // From the real CA with sidecar-injector's token, as the injector asks for it: the proxy's bootstrap certificate.
        try (WorkloadCertificates injector = new WorkloadCertificates(controlPlane.caAddress(),
                controlPlane.token("sidecar-injector"))) {
            injector.issue(CertificateKind.BOOTSTRAP, "bookbuyer", "bookbuyer", work.resolve("bookbuyer"));
        }
        // As in a cluster: xds-service obtains its ADS serving certificate from the CA with its own token
        controlPlane.configure("xds-service", Map.of("qmesh.xds.tls.mode", "ca", "qmesh.xds.require-client-certificate", "true"));
        controlPlane.startService("xds-service", START);
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable open : new AutoCloseable[] {sotw, delta, controlPlane, processes}) {
            if (open != null) {
                open.close();
            }
        }
    }

    @Test
    @Order(1)
    void bootstrapCertificate_admitsSotwAndDeltaClients_thatReceiveListenersRoutesClustersEndpointsAndSecrets() throws Exception {
        sotw = client(false);
        delta = client(true);
        for (TestAdsClient client : List.of(sotw, delta)) {
            List<TestAdsClient.Received> initial = drain(client);
            assertThat(initial).extracting(TestAdsClient.Received::type).containsAll(ALL_TYPES);

            assertThat(client.accepted(TestAdsClient.LDS)).containsKeys("outbound-listener", "inbound-listener", "prometheus-listener");
            assertThat(client.accepted(TestAdsClient.LDS).get("outbound-listener").unpack(Listener.class)
                    .getAddress().getSocketAddress().getPortValue()).isEqualTo(15001);
            assertThat(client.accepted(TestAdsClient.RDS)).containsKeys(HTTP_ROUTES, "rds-inbound|14001");
            assertThat(weights(client.accepted(TestAdsClient.RDS))).isEqualTo(Map.of(V1, 50, V2, 50));
            assertThat(client.accepted(TestAdsClient.CDS)).containsKeys(APEX, V1, V2, "bookbuyer/bookbuyer|14001|local");
            assertThat(client.accepted(TestAdsClient.EDS).get(V1).unpack(ClusterLoadAssignment.class).getEndpoints(0)
                    .getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue()).isEqualTo(14001);

            Map<String, Any> secrets = client.accepted(TestAdsClient.SDS);
            assertThat(secrets).containsOnlyKeys("service-cert:bookbuyer/bookbuyer", "root-cert:cluster.local");
            X509Certificate served = pem(secrets.get("service-cert:bookbuyer/bookbuyer").unpack(Secret.class)
                    .getTlsCertificate().getCertificateChain().getInlineString()).get(0);
            assertThat(served.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
                    .containsExactly("spiffe://cluster.local/ns/bookbuyer/sa/bookbuyer");
            assertThat(pem(secrets.get("root-cert:cluster.local").unpack(Secret.class).getValidationContext()
                    .getTrustedCa().getInlineString())).as("the CA's trust bundle")
                    .isEqualTo(pem(Files.readString(WorkloadCertificates.files(work.resolve("bookbuyer")).trustBundle())));
        }
        String metrics = metrics();
        assertThat(metrics).contains("qmesh_xds_connected_proxies 2.0");
        assertThat(metrics.lines().filter(l -> l.startsWith("qmesh_xds_nacks_total{")))
                .as("NACK counters (registered at 0 per type)").isNotEmpty().allMatch(l -> l.endsWith(" 0.0"));
    }

    @Test
    @Order(2)
    void trafficSplitApplied_reachesDeltaAsOnlyTheChangedRoutes_andSotwAsOnlyRoutes() throws Exception {
        Map<String, Any> routesBefore = sotw.accepted(TestAdsClient.RDS);
        cluster.apply(layout.demoManifests().resolve("policies/traffic-split-0-100.yaml"));

        TestAdsClient.Received deltaUpdate = delta.next(PUSH_SECONDS, TimeUnit.SECONDS);
        assertThat(deltaUpdate).as("delta push after the TrafficSplit change").isNotNull();
        assertThat(deltaUpdate.type()).isEqualTo(TestAdsClient.RDS);
        assertThat(weights(deltaUpdate.resources())).isEqualTo(Map.of(V2, 100));

        TestAdsClient.Received sotwUpdate = sotw.next(PUSH_SECONDS, TimeUnit.SECONDS);
        assertThat(sotwUpdate).as("SotW push after the TrafficSplit change").isNotNull();
        assertThat(sotwUpdate.type()).isEqualTo(TestAdsClient.RDS);
        assertThat(sotwUpdate.resources().keySet()).as("SotW: every route configuration").isEqualTo(routesBefore.keySet());
        assertThat(weights(sotwUpdate.resources())).isEqualTo(Map.of(V2, 100));

        Set<String> changed = routesBefore.keySet().stream()
                .filter(name -> !routesBefore.get(name).equals(sotwUpdate.resources().get(name)))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(changed).contains(HTTP_ROUTES).doesNotContain("rds-inbound|14001");
        assertThat(deltaUpdate.resources().keySet()).as("delta: the changed route configurations, no other").isEqualTo(changed);
        assertThat(deltaUpdate.removed()).isEmpty();

        assertThat(delta.next(2, TimeUnit.SECONDS)).as("delta: no listener, cluster, endpoint or secret re-pushed").isNull();
        assertThat(sotw.next(1, TimeUnit.SECONDS)).as("SotW: no listener, cluster, endpoint or secret re-pushed").isNull();
    }

    @Test
    @Order(3)
    void nackedRoutes_areCountedWithEnvoysErrorDetail_theProxyKeepsItsLastGoodRoutes_andTheNextChangeArrives() throws Exception {
        delta.nackNext(TestAdsClient.RDS);
        sotw.nackNext(TestAdsClient.RDS);
        cluster.apply(layout.demoManifests().resolve("policies/traffic-split-100-0.yaml"));

        TestAdsClient.Received deltaRejected = delta.next(PUSH_SECONDS, TimeUnit.SECONDS);
        TestAdsClient.Received sotwRejected = sotw.next(PUSH_SECONDS, TimeUnit.SECONDS);
        for (TestAdsClient.Received rejected : List.of(deltaRejected, sotwRejected)) {
            assertThat(rejected).isNotNull();
            assertThat(weights(rejected.resources())).isEqualTo(Map.of(V1, 100));
        }
        assertThat(weights(delta.accepted(TestAdsClient.RDS))).as("last good routes").isEqualTo(Map.of(V2, 100));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("qmesh_xds_nacks_total{type=\"rds\"} 2.0"));
        List<String> nacks = controlPlane.service("xds-service").process().output().lines()
                .filter(line -> line.contains("NACK proxy=bookbuyer/" + POD + " ")).toList();
        for (TestAdsClient.Received rejected : List.of(deltaRejected, sotwRejected)) {
            assertThat(nacks).as("xds-service's log of the NACKs").anySatisfy(line -> assertThat(line)
                    .contains("type=rds nonce=" + rejected.nonce() + " ").contains("error=test client rejects this " + TestAdsClient.RDS));
        }
        // a SotW NACK carries the last good version; answering it with the snapshot would loop a real Envoy
        assertThat(drain(delta, Duration.ofSeconds(2))).as("delta: the rejected routes are not sent again").isEmpty();
        assertThat(drain(sotw, Duration.ofSeconds(2))).as("SotW: the rejected routes are not sent again").isEmpty();

        cluster.apply(layout.demoManifests().resolve("policies/traffic-split-50-50.yaml"));
        for (TestAdsClient client : List.of(delta, sotw)) {
            TestAdsClient.Received next = client.next(PUSH_SECONDS, TimeUnit.SECONDS);
            assertThat(next).as("the next change").isNotNull();
            assertThat(weights(next.resources())).isEqualTo(Map.of(V1, 50, V2, 50));
            assertThat(weights(client.accepted(TestAdsClient.RDS))).as("the next change, ACKed").isEqualTo(Map.of(V1, 50, V2, 50));
        }
        assertThat(metrics()).contains("qmesh_xds_nacks_total{type=\"rds\"} 2.0");
    }

    @Test
    @Order(4)
    void bootstrapCertificateOfAnotherIdentity_isRefusedAndReceivesNothing() throws Exception {
        try (WorkloadCertificates injector = new WorkloadCertificates(controlPlane.caAddress(),
                controlPlane.token("sidecar-injector"))) {
            injector.issue(CertificateKind.BOOTSTRAP, "bookstore", "bookstore", work.resolve("bookstore"));
        }
        try (TestAdsClient impostor = client(work.resolve("bookstore"), true)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> impostor.error() != null);
            assertThat(impostor.error()).hasMessageContaining("PERMISSION_DENIED")
                    .hasMessageContaining("client certificate identity bookstore/bookstore is not pod bookbuyer/" + POD);
            assertThat(impostor.pending()).as("responses to the impostor").isZero();
        }
    }

    @Test
    @Order(5)
    void adsPort_presentsTheCasServingCertificateForXdsServicesName_andRefusesAClientWithoutCertificate() throws Exception {
        List<X509Certificate> roots = pem(Files.readString(WorkloadCertificates.files(work.resolve("bookbuyer")).trustBundle()));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("root", roots.get(0));
        trust.init(store);
        X509TrustManager bundle = (X509TrustManager) trust.getTrustManagers()[0];
        AtomicReference<X509Certificate[]> presented = new AtomicReference<>();
        X509TrustManager recording = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException("client side");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                presented.set(chain);
                bundle.checkServerTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return bundle.getAcceptedIssuers();
            }
        };
        var noClientCertificate = TlsChannelCredentials.newBuilder().trustManager(recording).build();
        var channel = Grpc.newChannelBuilderForAddress("127.0.0.1", controlPlane.service("xds-service").grpcPort(),
                noClientCertificate).overrideAuthority(XDS_HOST).build();
        try (TestAdsClient anonymous = new TestAdsClient(channel, true, "bookbuyer", POD, podUid).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> anonymous.error() != null);
            assertThat(anonymous.pending()).as("responses without a client certificate").isZero();
        }
        X509Certificate leaf = presented.get()[0];
        assertThat(leaf.getSubjectAlternativeNames()).as("a SERVING certificate for xds-service's Service names")
                .containsExactlyInAnyOrder(List.of(2, XDS_HOST), List.of(2, XDS_HOST + ".cluster.local"));
        leaf.verify(roots.get(0).getPublicKey());
    }

    @Test
    @Order(6)
    void podBackingNoService_getsOutboundConfigForWhatItsIdentityMayReach_andNoInboundListener() throws Exception {
        // a client-only workload (a job): no Service selects it, so no EndpointSlice names it
        String job = "bookbuyer-job-4x9zt";
        String jobUid = cluster.register(new ClusterState.Workload("bookbuyer", job, "bookbuyer", Map.of("app", "bookbuyer-job"), Map.of()));

        // until mesh-controller's policy names the pod, xds-service refuses it, and Envoy reconnects
        AtomicReference<TestAdsClient> admitted = new AtomicReference<>();
        List<TestAdsClient.Received> responses = new ArrayList<>();
        await().atMost(Duration.ofSeconds(PUSH_SECONDS)).pollInterval(Duration.ofMillis(500)).until(() -> {
            TestAdsClient attempt = client(work.resolve("bookbuyer"), job, jobUid, true);
            List<TestAdsClient.Received> initial = new ArrayList<>();
            try {
                initial.addAll(drain(attempt));
            } catch (AssertionError refused) {
                attempt.close();
                return false;
            }
            admitted.set(attempt);
            responses.addAll(initial);
            return true;
        });
        try (TestAdsClient client = admitted.get()) {
            assertThat(responses).extracting(TestAdsClient.Received::type).containsAll(ALL_TYPES);
            assertThat(client.accepted(TestAdsClient.LDS)).containsOnlyKeys("outbound-listener", "prometheus-listener");
            assertThat(client.accepted(TestAdsClient.CDS)).containsKeys(APEX, V1, V2)
                    .doesNotContainKey("bookbuyer/bookbuyer|14001|local");
            assertThat(client.accepted(TestAdsClient.RDS)).containsKey(HTTP_ROUTES).doesNotContainKey("rds-inbound|14001");
        }
    }

    TestAdsClient client(boolean delta) throws Exception {
        return client(work.resolve("bookbuyer"), POD, podUid, delta);
    }

    /**
     * An Envoy-like client claiming pod bookbuyer, over mTLS as its bootstrap configures it: the client
     * certificate in {@code certificates}, the mesh trust bundle, xds-service's Service name.
     */
    TestAdsClient client(Path certificates, boolean delta) throws Exception {
        return client(certificates, POD, podUid, delta);
    }

    /** The same, claiming {@code pod} (with its UID) of namespace bookbuyer. */
    TestAdsClient client(Path certificates, String pod, String uid, boolean delta) throws Exception {
        WorkloadCertificates.Files3 bootstrap = WorkloadCertificates.files(certificates);
        var credentials = TlsChannelCredentials.newBuilder()
                .keyManager(bootstrap.certificate().toFile(), bootstrap.key().toFile())
                .trustManager(bootstrap.trustBundle().toFile()).build();
        var channel = Grpc.newChannelBuilderForAddress("127.0.0.1", controlPlane.service("xds-service").grpcPort(), credentials)
                .overrideAuthority(XDS_HOST).build();
        return new TestAdsClient(channel, delta, "bookbuyer", pod, uid).followingSecrets().start();
    }

    /** Responses until every xDS type has arrived and the stream has been quiet for a second. */
    static List<TestAdsClient.Received> drain(TestAdsClient client) throws InterruptedException {
        List<TestAdsClient.Received> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PUSH_SECONDS);
        while (System.nanoTime() < deadline) {
            TestAdsClient.Received next = client.next(1, TimeUnit.SECONDS);
            if (next != null) {
                all.add(next);
            } else if (all.stream().map(TestAdsClient.Received::type).collect(Collectors.toSet()).containsAll(ALL_TYPES)) {
                break;
            }
        }
        return all;
    }

    /** Responses until the stream has been quiet for {@code quiet}. */
    static List<TestAdsClient.Received> drain(TestAdsClient client, Duration quiet) throws InterruptedException {
        List<TestAdsClient.Received> all = new ArrayList<>();
        TestAdsClient.Received next;
        while ((next = client.next(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            all.add(next);
        }
        return all;
    }

    /** The bookstore apex's weighted clusters in the HTTP route configuration among these resources. */
    static Map<String, Integer> weights(Map<String, Any> routes) throws Exception {
        assertThat(routes).containsKey(HTTP_ROUTES);
        Map<String, Integer> weights = new TreeMap<>();
        for (var host : routes.get(HTTP_ROUTES).unpack(RouteConfiguration.class).getVirtualHostsList()) {
            if (host.getName().equals(APEX)) {
                for (WeightedCluster.ClusterWeight c : host.getRoutes(0).getRoute().getWeightedClusters().getClustersList()) {
                    weights.put(c.getName(), c.getWeight().getValue());
                }
            }
        }
        return weights;
    }

    String metrics() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + controlPlane.service("xds-service").httpPort() + "/q/metrics");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static List<X509Certificate> pem(String pem) throws Exception {
        return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                .stream().map(X509Certificate.class::cast).toList();
    }

}
