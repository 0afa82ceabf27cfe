package io.qmesh.xds.serve;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.EgressPort;
import io.qmesh.api.mesh.v1.EgressRule;
import io.qmesh.api.mesh.v1.PolicyEntry;
import io.qmesh.api.mesh.v1.TrafficSplit;
import io.qmesh.testing.GoldenFiles;
import io.qmesh.xds.generate.EnvoyYaml;
import io.qmesh.xds.generate.WorkloadCertificate;
import io.qmesh.xds.policy.PolicyHolder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The debug endpoints ({@code io.qmesh.xds.debug}) of the real service, with Envoy-like ADS clients
 * connected: bookstore-v1 over SotW, bookbuyer over delta. They show ACKed against latest versions,
 * a NACK appearing, and the served config with its secrets redacted. The responses are also kept as
 * qmeshctl's test fixtures ({@code qmeshctl/src/test/resources/xds-debug/}, times and nonces
 * normalised): {@code -Dgolden.update=true} rewrites them, otherwise a change of format fails here
 * before qmeshctl reads a format the service no longer serves.
 * Lives beside {@link TestAdsClient} and {@link FakeMeshController}, which are package-private.
 */
@QuarkusTest
@WithKubernetesTestServer
@QuarkusTestResource(value = FakeMeshController.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class XdsDebugIT {

    static final String BUYER = "bookbuyer/bookbuyer-5d8f";
    static final String STORE = "bookstore/bookstore-v1-7c9d";
    static final String PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nTHIS-MUST-NEVER-BE-PRINTED\n-----END PRIVATE KEY-----\n";
    static final String CHAIN = "-----BEGIN CERTIFICATE-----\nbookbuyer-workload-certificate\n-----END CERTIFICATE-----\n";
    static final Path FIXTURES = Path.of("..", "qmeshctl", "src", "test", "resources", "xds-debug");
    static final ObjectMapper JSON = new ObjectMapper();

    static TestAdsClient sotw;
    static TestAdsClient delta;

    @Inject
    PolicyHolder holder;
    @Inject
    SecretStore secrets;

    @AfterAll
    static void disconnect() throws InterruptedException {
        for (TestAdsClient client : new TestAdsClient[] {sotw, delta}) {
            if (client != null) {
                client.close();
            }
        }
    }

    @Test
    @Order(1)
    void beforeAnyProxy_statusShowsThePolicyAndNoProxies() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> holder.current().isPresent());

        JsonNode status = get("/debug/xds/status", 200);

        assertThat(status.get("policyVersion").asText()).isEqualTo(holder.current().get().version());
        assertThat(status.get("groups").asInt()).isEqualTo(3);
        assertThat(status.get("connectedProxies").asInt()).isZero();
        assertThat(status.at("/nacks/total").asInt()).isZero();
    }

    @Test
    @Order(2)
    void connectedProxies_haveAckedTheLatestVersionOfEachKindTheySubscribed() throws Exception {
        sotw = new TestAdsClient(FakeMeshController.xdsPort, false, "bookstore", "bookstore-v1-7c9d", "uid-v1").start();
        delta = new TestAdsClient(FakeMeshController.xdsPort, true, "bookbuyer", "bookbuyer-5d8f", "uid-buyer").start();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode proxies = get("/debug/xds/proxies", 200).get("proxies");
            assertThat(proxies).hasSize(2);
            for (JsonNode proxy : proxies) {
                for (String kind : List.of("listeners", "clusters")) {
                    JsonNode type = proxy.at("/types/" + kind);
                    assertThat(type.get("state").asText()).as(proxy.get("proxy") + " " + kind).isEqualTo("SYNCED");
                    assertThat(type.get("acked").asText()).isEqualTo(type.get("latest").asText());
                }
                assertThat(proxy.at("/types/secrets/state").asText()).as("the test clients ask for no SDS").isEqualTo("NOT SENT");
            }
            JsonNode buyer = proxies.get(0);
            assertThat(buyer.get("proxy").asText()).isEqualTo(BUYER);
            assertThat(buyer.at("/types/routes/state").asText()).as("bookbuyer routes").isEqualTo("SYNCED");
            assertThat(buyer.at("/types/endpoints/state").asText()).as("bookbuyer endpoints").isEqualTo("SYNCED");
        });
        JsonNode buyer = get("/debug/xds/proxies?proxy=" + BUYER, 200).get("proxies");
        assertThat(buyer).hasSize(1);
        assertThat(buyer.get(0).get("stream").asText()).isEqualTo("delta");
        assertThat(buyer.get(0).get("kind").asText()).isEqualTo("envoy");
        assertThat(buyer.get(0).get("group").asText()).isEqualTo("bookbuyer/bookbuyer[bookbuyer/bookbuyer][14001]");
        assertThat(get("/debug/xds/proxies?proxy=" + STORE, 200).at("/proxies/0/stream").asText()).isEqualTo("sotw");
    }

    @Test
    @Order(3)
    void rejectedRoute_showsAsNackedWithEnvoysMessage_andCountsInStatus() throws Exception {
        drain(delta);
        drain(sotw);
        String routesBefore = get("/debug/xds/proxies?proxy=" + BUYER, 200).at("/proxies/0/types/routes/acked").asText();
        delta.nackNext(TestAdsClient.RDS);
        TrafficSplit split = FakeMeshController.policy.getTrafficSplits(0).toBuilder()
                .setBackends(0, FakeMeshController.policy.getTrafficSplits(0).getBackends(0).toBuilder().setWeight(30))
                .build();
        FakeMeshController.publishDelta(PolicyEntry.newBuilder().setTrafficSplit(split).build());
        assertThat(delta.next(20, TimeUnit.SECONDS).type()).isEqualTo(TestAdsClient.RDS);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode routes = get("/debug/xds/proxies?proxy=" + BUYER, 200).at("/proxies/0/types/routes");
            assertThat(routes.get("state").asText()).isEqualTo("NACKED");
            assertThat(routes.get("acked").asText()).isEqualTo(routesBefore).isNotEqualTo(routes.get("latest").asText());
            assertThat(routes.get("sent").asText()).isEqualTo(routes.get("latest").asText());
            assertThat(routes.at("/lastNack/message").asText()).contains("test client rejects");
            assertThat(routes.at("/lastNack/version").asText()).isEqualTo(routes.get("latest").asText());
            assertThat(routes.at("/lastNack/code").asText()).isEqualTo("INVALID_ARGUMENT");
        });
        JsonNode status = get("/debug/xds/status", 200);
        assertThat(status.get("connectedProxies").asInt()).isEqualTo(2);
        assertThat(status.at("/streams/sotw").asInt()).isEqualTo(1);
        assertThat(status.at("/streams/delta").asInt()).isEqualTo(1);
        assertThat(status.at("/nacks/total").asInt()).isEqualTo(1);
        assertThat(status.at("/nacks/byType/routes").asInt()).isEqualTo(1);
        assertThat(status.at("/nacks/recent/0/proxy").asText()).isEqualTo(BUYER);
        assertThat(get("/debug/xds/proxies?proxy=" + BUYER, 200).at("/proxies/0/types/listeners/state").asText())
                .isEqualTo("SYNCED");
    }

    @Test
    @Order(4)
    void config_isTheGroupsSnapshot_andParsesBackAsEnvoyResources() throws Exception {
        JsonNode config = get("/debug/xds/config?proxy=" + BUYER, 200);

        assertThat(config.get("group").asText()).isEqualTo("bookbuyer/bookbuyer[bookbuyer/bookbuyer][14001]");
        assertThat(names(config, "listeners", Listener.class)).contains("outbound-listener", "inbound-listener");
        assertThat(names(config, "routes", RouteConfiguration.class)).contains("rds-outbound|14001");
        assertThat(names(config, "clusters", Cluster.class)).contains("bookstore/bookstore-v1|14001");
        assertThat(names(config, "endpoints", ClusterLoadAssignment.class)).contains("bookstore/bookstore-v1|14001");
        assertThat(config.at("/routes/version").asText())
                .isEqualTo(get("/debug/xds/proxies?proxy=" + BUYER, 200).at("/proxies/0/types/routes/latest").asText());
        assertThat(config.at("/listeners/resources/0/resource/filter_chains").isArray()).as("Envoy's field names").isTrue();
    }

    @Test
    @Order(5)
    void secrets_areRedacted_certificatesShown() throws Exception {
        secrets.putTrustBundle("-----BEGIN CERTIFICATE-----\nmesh-root\n-----END CERTIFICATE-----\n");
        secrets.putCertificate(Identity.of("bookbuyer", "bookbuyer"),
                new WorkloadCertificate(CHAIN, PRIVATE_KEY, Instant.EPOCH, Instant.EPOCH.plusSeconds(86400)));

        await().atMost(Duration.ofSeconds(10)).until(() -> get("/debug/xds/config?proxy=" + BUYER + "&type=secrets", 200)
                .at("/secrets/resources").size() == 2);
        String body = given().get("/debug/xds/config?proxy=" + BUYER).then().statusCode(200).extract().asString();

        assertThat(body).doesNotContain("THIS-MUST-NEVER-BE-PRINTED").contains("[redacted]").contains("bookbuyer-workload-certificate");
        assertThat(names(JSON.readTree(body), "secrets", Secret.class))
                .containsExactly("root-cert:cluster.local", "service-cert:bookbuyer/bookbuyer");
        JsonNode onlySecrets = get("/debug/xds/config?proxy=" + BUYER + "&type=sds", 200);
        assertThat(onlySecrets.has("listeners")).isFalse();
    }

    @Test
    @Order(6)
    void unknownProxyOrType_sayWhatToDo() throws Exception {
        assertThat(get("/debug/xds/config?proxy=bookbuyer/nobody", 404).get("error").asText())
                .contains("proxy bookbuyer/nobody is not connected to this xds-service replica").contains("/debug/xds/proxies");
        assertThat(get("/debug/xds/config?proxy=" + BUYER + "&type=bogus", 400).get("error").asText())
                .contains("type=bogus is not one of listeners, routes, clusters, endpoints, secrets");
        assertThat(get("/debug/xds/config", 400).get("error").asText()).contains("?proxy=<namespace>/<pod>");
        assertThat(get("/debug/xds/status?minutes=0", 400).get("error").asText()).contains("from 1 to 60");
        assertThat(get("/debug/xds/proxies?proxy=bookbuyer/nobody", 200).get("proxies")).isEmpty();
    }

    @Test
    @Order(7)
    void responses_areQmeshctlsFixtures() {
        fixture("status.json", "/debug/xds/status", 200);
        fixture("proxies.json", "/debug/xds/proxies", 200);
        fixture("proxies-bookbuyer.json", "/debug/xds/proxies?proxy=" + BUYER, 200);
        fixture("proxies-none.json", "/debug/xds/proxies?proxy=bookbuyer/nobody", 200);
        fixture("config-bookbuyer.json", "/debug/xds/config?proxy=" + BUYER, 200);
        fixture("config-bookbuyer-clusters.json", "/debug/xds/config?proxy=" + BUYER + "&type=clusters", 200);
        fixture("config-not-connected.json", "/debug/xds/config?proxy=bookbuyer/bookthief", 404);
    }

    @Test
    @Order(8)
    void groupWhoseConfigurationCannotBeGenerated_isListedInStatusWithItsCause_untilThePolicyIsFixed() throws Exception {
        String buyerGroup = get("/debug/xds/proxies?proxy=" + BUYER, 200).at("/proxies/0/group").asText();
        EgressRule bad = EgressRule.newBuilder()
                .setRef(io.qmesh.api.mesh.v1.ObjectRef.newBuilder().setNamespace("bookbuyer").setName("payments"))
                .addSources(io.qmesh.api.mesh.v1.Identity.newBuilder().setNamespace("bookbuyer").setServiceAccount("bookbuyer"))
                .addIpRanges("10.0.0.0/40").addPorts(EgressPort.newBuilder().setNumber(443)).build();

        FakeMeshController.publishDelta(PolicyEntry.newBuilder().setEgressRule(bad).build());

        await().atMost(Duration.ofSeconds(10)).until(() -> get("/debug/xds/status", 200).get("staleGroups").size() == 1);
        JsonNode stale = get("/debug/xds/status", 200).at("/staleGroups/0");
        assertThat(stale.get("group").asText()).isEqualTo(buyerGroup);
        assertThat(stale.get("reason").asText()).isEqualTo("generate");
        assertThat(stale.get("cause").asText()).contains("malformed IP range '10.0.0.0/40'");
        fixture("status-stale-group.json", "/debug/xds/status", 200);

        FakeMeshController.publishDelta(PolicyEntry.newBuilder()
                .setEgressRule(bad.toBuilder().setIpRanges(0, "10.0.0.0/24")).build());

        await().atMost(Duration.ofSeconds(10)).until(() -> get("/debug/xds/status", 200).get("staleGroups").isEmpty());
    }

    private static void fixture(String name, String path, int status) {
        String body = given().get(path).then().statusCode(status).extract().asString()
                .replaceAll("\"(at|connectedAt)\" : \"[^\"]+\"", "\"$1\" : \"2030-01-01T00:00:00Z\"")
                .replaceAll("\"nonce\" : \"[^\"]+\"", "\"nonce\" : \"1\"");
        GoldenFiles.assertMatches(FIXTURES.resolve(name), body);
    }

    private static JsonNode get(String path, int status) throws Exception {
        return JSON.readTree(given().get(path).then().statusCode(status).extract().asString());
    }

    /** The names of one kind's resources, each parsed back from its JSON into the Envoy type. */
    private static <T extends com.google.protobuf.Message> List<String> names(JsonNode config, String kind, Class<T> type)
            throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode entry : config.at("/" + kind + "/resources")) {
            Any.Builder any = Any.newBuilder();
            JsonFormat.parser().usingTypeRegistry(EnvoyYaml.TYPES).merge(JSON.writeValueAsString(entry.get("resource")), any);
            T resource = any.build().unpack(type);
            String name = (String) resource.getField(resource.getDescriptorForType().findFieldByName(
                    type == ClusterLoadAssignment.class ? "cluster_name" : "name"));
            assertThat(name).isEqualTo(entry.get("name").asText());
            names.add(name);
        }
        return names;
    }

    private static void drain(TestAdsClient client) throws InterruptedException {
        while (client.next(300, TimeUnit.MILLISECONDS) != null) {
            // responses so far; the test waits for the next one
        }
    }
}
