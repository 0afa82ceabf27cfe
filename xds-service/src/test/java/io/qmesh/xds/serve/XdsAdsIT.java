package io.qmesh.xds.serve;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.qmesh.api.mesh.PolicyVersion;
import io.qmesh.api.mesh.v1.PolicyEntry;
import io.qmesh.api.mesh.v1.TrafficSplit;
import io.qmesh.xds.policy.PolicyHolder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * xds-service end to end: a test double of mesh-controller (mesh.v1 Watch) feeds the bookstore split
 * policy; Envoy-like ADS clients (SotW and delta) connect as bookbuyer, receive their config, and
 * after a TrafficSplit change receive only the changed route.
 */
@QuarkusTest
@WithKubernetesTestServer
@QuarkusTestResource(value = FakeMeshController.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class XdsAdsIT {

    static final String ROUTES = "rds-outbound|14001";

    @Inject
    PolicyHolder holder;

    @Test
    @Order(1)
    void policyFromController_isHeldWithItsVersion() {
        await().atMost(Duration.ofSeconds(20)).until(() -> holder.current().isPresent());
        assertThat(holder.current().get().version()).isEqualTo(PolicyVersion.of(FakeMeshController.policy));
    }

    @Test
    @Order(2)
    void trafficSplitChange_reachesSotwAndDeltaClientsAsOnlyTheChangedRoute() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> holder.current().isPresent());
        try (TestAdsClient sotw = new TestAdsClient(FakeMeshController.xdsPort, false, "bookbuyer", "bookbuyer-5d8f", "uid-buyer").start();
                TestAdsClient delta = new TestAdsClient(FakeMeshController.xdsPort, true, "bookbuyer", "bookbuyer-5d8f", "uid-buyer").start()) {
            for (TestAdsClient client : List.of(sotw, delta)) {
                List<TestAdsClient.Received> initial = drain(client, 4, Duration.ofSeconds(20));
                assertThat(TestAdsClient.names(initial)).contains("outbound-listener", "inbound-listener",
                        "bookstore/bookstore-v1|14001", "bookstore/bookstore-v2|14001", ROUTES);
                assertThat(weights(route(initial))).containsExactly(80, 20);
            }

            TrafficSplit split = FakeMeshController.policy.getTrafficSplits(0).toBuilder()
                    .setBackends(0, FakeMeshController.policy.getTrafficSplits(0).getBackends(0).toBuilder().setWeight(50))
                    .setBackends(1, FakeMeshController.policy.getTrafficSplits(0).getBackends(1).toBuilder().setWeight(50))
                    .build();
            FakeMeshController.publishDelta(PolicyEntry.newBuilder().setTrafficSplit(split).build());

            TestAdsClient.Received deltaUpdate = delta.next(20, TimeUnit.SECONDS);
            assertThat(deltaUpdate.type()).isEqualTo(TestAdsClient.RDS);
            assertThat(deltaUpdate.resources().keySet()).containsExactly(ROUTES);
            assertThat(weights(deltaUpdate.resources().get(ROUTES).unpack(RouteConfiguration.class))).containsExactly(50, 50);

            TestAdsClient.Received sotwUpdate = sotw.next(20, TimeUnit.SECONDS);
            assertThat(sotwUpdate.type()).isEqualTo(TestAdsClient.RDS);
            assertThat(weights(sotwUpdate.resources().get(ROUTES).unpack(RouteConfiguration.class))).containsExactly(50, 50);

            assertThat(delta.next(1, TimeUnit.SECONDS)).as("nothing but the route is pushed (delta)").isNull();
            assertThat(sotw.next(1, TimeUnit.SECONDS)).as("nothing but the routes are pushed (SotW)").isNull();
            assertThat(holder.current().get().version()).isEqualTo(PolicyVersion.of(FakeMeshController.policy));
        }
    }

    @Test
    @Order(3)
    void nackedRoute_isCountedAndLoggedAndNotRolledBack() throws Exception {
        nackedRoute(true, 10, "1.0");
        // a SotW NACK carries the last good version: the server must not take it as a request for the rejected one
        nackedRoute(false, 20, "2.0");
    }

    private static void nackedRoute(boolean deltaProtocol, int weight, String nacksAfter) throws Exception {
        try (TestAdsClient client = new TestAdsClient(FakeMeshController.xdsPort, deltaProtocol, "bookbuyer", "bookbuyer-5d8f",
                "uid-buyer").start()) {
            drain(client, 4, Duration.ofSeconds(20));
            client.nackNext(TestAdsClient.RDS);
            TrafficSplit split = FakeMeshController.policy.getTrafficSplits(0).toBuilder()
                    .setBackends(0, FakeMeshController.policy.getTrafficSplits(0).getBackends(0).toBuilder().setWeight(weight))
                    .build();
            FakeMeshController.publishDelta(PolicyEntry.newBuilder().setTrafficSplit(split).build());
            assertThat(client.next(20, TimeUnit.SECONDS).type()).isEqualTo(TestAdsClient.RDS);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/metrics").then()
                    .body(containsString("qmesh_xds_nacks_total{type=\"rds\"} " + nacksAfter)));
            assertThat(client.next(1, TimeUnit.SECONDS)).as("no retry storm after a NACK").isNull();
        }
    }

    @Test
    @Order(4)
    void metrics_nameConnectedProxiesGroupsPushesAndConvergence() {
        given().get("/q/metrics").then()
                .body(containsString("qmesh_xds_proxy_groups 3.0"))
                .body(containsString("qmesh_xds_connected_proxies"))
                .body(containsString("qmesh_xds_pushes_total{type=\"rds\"}"))
                .body(containsString("qmesh_xds_convergence_seconds_count"))
                .body(containsString("qmesh_xds_generate_duration_seconds_count"));
    }

    @Test
    @Order(5)
    void unknownPod_isRefused() throws Exception {
        try (TestAdsClient stranger = new TestAdsClient(FakeMeshController.xdsPort, true, "bookbuyer", "not-a-pod", "x").start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> stranger.error() != null);
            assertThat(stranger.error()).hasMessageContaining("PERMISSION_DENIED")
                    .hasMessageContaining("bookbuyer/not-a-pod is not a meshed pod of the mesh policy");
        }
    }

    @Test
    @Order(6)
    void controllerRestart_resubscribesFromTheLastVersionAndKeepsServing() {
        int before = FakeMeshController.REQUESTS.size();
        String held = holder.current().get().version();
        FakeMeshController.disconnectAll();

        await().atMost(Duration.ofSeconds(20)).until(() -> FakeMeshController.REQUESTS.size() > before);
        assertThat(FakeMeshController.REQUESTS.get(FakeMeshController.REQUESTS.size() - 1).getLastVersion()).isEqualTo(held);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    @Order(7)
    void proxyWhosePodChangesGroup_hasItsStreamClosed_andOnReconnectGetsItsNewGroupsConfig() throws Exception {
        var bookbuyer = io.qmesh.api.mesh.v1.Identity.newBuilder().setNamespace("bookbuyer").setServiceAccount("bookbuyer");
        var job = io.qmesh.api.mesh.v1.ObjectRef.newBuilder().setNamespace("bookbuyer").setName("bookbuyer-job");
        FakeMeshController.publishDelta(PolicyEntry.newBuilder().setServicelessPod(io.qmesh.api.mesh.v1.ServicelessPod.newBuilder()
                .setPod(job).setPodUid("uid-job").setIdentity(bookbuyer)).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> holder.current().get().policy().getServicelessPodsCount() == 1);

        try (TestAdsClient client = new TestAdsClient(FakeMeshController.xdsPort, true, "bookbuyer", "bookbuyer-job", "uid-job").start()) {
            assertThat(TestAdsClient.names(drain(client, 4, Duration.ofSeconds(20)))).as("a pod that backs no Service")
                    .contains("outbound-listener", ROUTES).doesNotContain("inbound-listener");

            // the job's pod starts backing bookbuyer's Service: its group, and so its configuration, changes
            var endpoints = FakeMeshController.policy.getEndpointsList().stream()
                    .filter(e -> e.getService().getName().equals("bookbuyer")).findFirst().orElseThrow();
            var endpoint = endpoints.getEndpoints(0).toBuilder().setPod(job).setPodUid("uid-job").setAddress("10.244.1.99");
            FakeMeshController.publishDelta(PolicyEntry.newBuilder().setEndpoints(endpoints.toBuilder().addEndpoints(endpoint)).build());

            await().atMost(Duration.ofSeconds(20)).until(() -> client.error() != null);
            assertThat(client.error()).hasMessageContaining("UNAVAILABLE")
                    .hasMessageContaining("proxy group changed from bookbuyer/bookbuyer[][] to bookbuyer/bookbuyer[bookbuyer/bookbuyer]");
            given().get("/q/metrics").then().body(containsString("qmesh_xds_streams_regrouped_total 1.0"));
        }
        try (TestAdsClient reconnected = new TestAdsClient(FakeMeshController.xdsPort, true, "bookbuyer", "bookbuyer-job", "uid-job")
                .start()) {
            assertThat(TestAdsClient.names(drain(reconnected, 4, Duration.ofSeconds(20)))).as("as an endpoint of bookbuyer")
                    .contains("outbound-listener", "inbound-listener");
        }
    }

    private static List<TestAdsClient.Received> drain(TestAdsClient client, int types, Duration timeout) throws InterruptedException {
        List<TestAdsClient.Received> all = new ArrayList<>();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seen.size() < types && System.nanoTime() < deadline) {
            TestAdsClient.Received r = client.next(500, TimeUnit.MILLISECONDS);
            if (r != null) {
                all.add(r);
                seen.add(r.type());
            }
        }
        TestAdsClient.Received extra;
        while ((extra = client.next(300, TimeUnit.MILLISECONDS)) != null) {
            all.add(extra);
        }
        return all;
    }

    private static RouteConfiguration route(List<TestAdsClient.Received> all) throws Exception {
        for (TestAdsClient.Received r : all) {
            if (r.resources().containsKey(ROUTES)) {
                return r.resources().get(ROUTES).unpack(RouteConfiguration.class);
            }
        }
        throw new AssertionError(ROUTES + " not received");
    }

    private static List<Integer> weights(RouteConfiguration routes) {
        return routes.getVirtualHostsList().stream().filter(v -> v.getName().equals("bookstore/bookstore|14001"))
                .flatMap(v -> v.getRoutes(0).getRoute().getWeightedClusters().getClustersList().stream())
                .map(c -> c.getWeight().getValue()).toList();
    }
}
