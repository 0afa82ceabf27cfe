package io.qmesh.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * `proxy config` and `proxy status` against the mock API server and two stub xds-service replicas
 * serving the real debug endpoints' responses: the first has bookbuyer and bookstore-v1 connected,
 * the second none of them.
 */
@EnableKubernetesMockClient(crud = true)
class ProxyCommandTest {

    static final String BUYER = "bookbuyer/bookbuyer-5d8f";
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    /** The Envoy types in qmesh's configuration (each descriptor brings its file and imports). */
    static final TypeRegistry ENVOY = TypeRegistry.newBuilder().add(List.of(Listener.getDescriptor(), Cluster.getDescriptor(),
            RouteConfiguration.getDescriptor(), ClusterLoadAssignment.getDescriptor(), Secret.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector.getDescriptor(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDescriptor(),
            io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog.getDescriptor(),
            io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDescriptor())).build();

    KubernetesClient client;
    DebugEndpointStub connected;
    DebugEndpointStub other;

    @BeforeEach
    void stubs() {
        connected = new DebugEndpointStub()
                .serve("/debug/xds/proxies", 200, "xds-debug/proxies.json")
                .serve("/debug/xds/proxies?proxy=" + BUYER, 200, "xds-debug/proxies-bookbuyer.json")
                .serve("/debug/xds/proxies?proxy=bookbuyer/bookthief", 200, "xds-debug/proxies-none.json")
                .serve("/debug/xds/config?proxy=" + BUYER, 200, "xds-debug/config-bookbuyer.json")
                .serve("/debug/xds/config?proxy=" + BUYER + "&type=clusters", 200, "xds-debug/config-bookbuyer-clusters.json")
                .serve("/debug/xds/config?proxy=bookbuyer/bookthief", 404, "xds-debug/config-not-connected.json");
        other = new DebugEndpointStub()
                .serve("/debug/xds/proxies", 200, "xds-debug/proxies-none.json")
                .serve("/debug/xds/proxies?proxy=" + BUYER, 200, "xds-debug/proxies-none.json")
                .serve("/debug/xds/proxies?proxy=bookbuyer/bookthief", 200, "xds-debug/proxies-none.json")
                .serve("/debug/xds/config?proxy=" + BUYER, 404, "xds-debug/config-not-connected.json")
                .serve("/debug/xds/config?proxy=" + BUYER + "&type=clusters", 404, "xds-debug/config-not-connected.json")
                .serve("/debug/xds/config?proxy=bookbuyer/bookthief", 404, "xds-debug/config-not-connected.json");
        ControlPlaneFixture.install(client, 2);
        ControlPlaneFixture.pod(client, "bookbuyer", "bookbuyer-5d8f");
        ControlPlaneFixture.pod(client, "bookbuyer", "bookthief");
    }

    @AfterEach
    void close() {
        connected.close();
        other.close();
    }

    QmeshctlRun qmeshctl(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", "xds-service=" + other.url(), "--endpoint", "xds-service=" + connected.url()));
        return QmeshctlRun.run(() -> client, ControlPlaneFixture.CLOCK, all.toArray(String[]::new));
    }

    @Test
    void config_isYamlWhoseResourcesParseBackAsEnvoyResources() throws Exception {
        QmeshctlRun run = qmeshctl("proxy", "config", BUYER);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        JsonNode config = YAML.readTree(run.out());
        assertThat(config.get("proxy").asText()).isEqualTo(BUYER);
        assertThat(config.get("replica").asText()).isEqualTo(connected.url());
        assertThat(config.get("group").asText()).isEqualTo("bookbuyer/bookbuyer[bookbuyer/bookbuyer][14001]");
        assertThat(parse(config, "listeners", Listener.class)).extracting(Listener::getName)
                .contains("inbound-listener", "outbound-listener");
        assertThat(parse(config, "routes", RouteConfiguration.class)).extracting(RouteConfiguration::getName)
                .contains("rds-outbound|14001");
        assertThat(parse(config, "clusters", Cluster.class)).extracting(Cluster::getName)
                .contains("bookstore/bookstore-v1|14001", "bookstore/bookstore-v2|14001");
        assertThat(parse(config, "endpoints", ClusterLoadAssignment.class)).extracting(ClusterLoadAssignment::getClusterName)
                .contains("bookstore/bookstore-v1|14001");
        List<Secret> secrets = parse(config, "secrets", Secret.class);
        assertThat(secrets).extracting(Secret::getName).containsExactly("root-cert:cluster.local", "service-cert:bookbuyer/bookbuyer");
        assertThat(secrets.get(1).getTlsCertificate().getPrivateKey().getInlineString()).isEqualTo("[redacted]");
        assertThat(secrets.get(1).getTlsCertificate().getCertificateChain().getInlineString()).contains("BEGIN CERTIFICATE");
    }

    @Test
    void configOfOneKind_asJson_hasOnlyThatKind() throws Exception {
        QmeshctlRun run = qmeshctl("proxy", "config", "bookbuyer-5d8f", "-n", "bookbuyer", "--type", "clusters", "-o", "json");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        JsonNode config = JSON.readTree(run.out());
        assertThat(config.has("clusters")).isTrue();
        assertThat(config.has("listeners")).isFalse();
        assertThat(parse(config, "clusters", Cluster.class)).isNotEmpty();
    }

    @Test
    void config_podNotConnected_isNotFoundNamingTheReplicasAskedAndWhatToCheck() {
        QmeshctlRun run = qmeshctl("proxy", "config", "bookbuyer/bookthief");

        assertThat(run.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(run.err()).contains("pod bookbuyer/bookthief's proxy is not connected to xds-service (asked " + other.url()
                + ", " + connected.url() + ")").contains("Does the pod have a sidecar").contains("qmeshctl namespace list")
                .contains("kubectl -n bookbuyer logs bookthief -c envoy");
    }

    @Test
    void config_podMissing_isNotFound() {
        QmeshctlRun run = qmeshctl("proxy", "config", "bookbuyer/nobody");

        assertThat(run.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(run.err()).contains("pod bookbuyer/nobody not found");
    }

    @Test
    void config_replicaNotAnswering_isUnreachableSayingWhatWasTried() {
        other.close();

        QmeshctlRun run = QmeshctlRun.run(() -> client, ControlPlaneFixture.CLOCK, "proxy", "config", "bookbuyer/bookthief",
                "--endpoint", "xds-service=" + other.url());

        assertThat(run.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(run.err()).contains("asking xds-service " + other.url() + " for /debug/xds/config?proxy=bookbuyer%2Fbookthief")
                .contains("through --endpoint xds-service=" + other.url());
    }

    @Test
    void config_unknownType_isAUsageError() {
        QmeshctlRun run = qmeshctl("proxy", "config", BUYER, "--type", "filters");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--type filters is not one of listeners, routes, clusters, endpoints, secrets");
    }

    @Test
    void config_withoutControlPlaneOrEndpoint_saysHowToInstall() {
        client.namespaces().withName("qmesh-system").delete();

        QmeshctlRun run = QmeshctlRun.run(() -> client, ControlPlaneFixture.CLOCK, "proxy", "config", BUYER);

        assertThat(run.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(run.err()).contains("qmesh is not installed in this cluster");
    }

    @Test
    void status_listsEveryConnectedProxyWithTheStateOfEachKind() {
        QmeshctlRun run = qmeshctl("proxy", "status");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).containsPattern(
                "PROXY +REPLICA +KIND +LISTENERS +ROUTES +CLUSTERS +ENDPOINTS +SECRETS\n"
                + "bookbuyer/bookbuyer-5d8f +http://127.0.0.1:\\d+ +envoy/delta +SYNCED +NACKED +SYNCED +SYNCED +NOT SENT\n"
                + "bookstore/bookstore-v1-7c9d +http://127.0.0.1:\\d+ +envoy/sotw +SYNCED +SYNCED +SYNCED +NOT SENT +NOT SENT\n");
    }

    @Test
    void statusOfAPod_showsAckedAgainstLatestAndTheLastNack() {
        QmeshctlRun run = qmeshctl("proxy", "status", BUYER);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("proxy:      " + BUYER).contains("replica:    " + connected.url())
                .contains("kind:       envoy (delta ADS, connected 2030-01-01T00:00:00Z)")
                .containsPattern("listeners +SYNCED +6baa6e96eebb4ee8 +6baa6e96eebb4ee8\n")
                .containsPattern("routes +NACKED +9f84b6cb0ebda74d +fc1ce0ab28fd666e +2030-01-01T00:00:00Z INVALID_ARGUMENT "
                        + "\\(version fc1ce0ab28fd666e\\): test client rejects");
    }

    @Test
    void statusOfAPod_asYaml_carriesEveryKind() throws Exception {
        JsonNode streams = YAML.readTree(qmeshctl("proxy", "status", BUYER, "-o", "yaml").out());

        assertThat(streams).hasSize(1);
        assertThat(streams.at("/0/types/routes/state").asText()).isEqualTo("NACKED");
        assertThat(streams.at("/0/types/routes/lastNack/message").asText()).contains("test client rejects");
        assertThat(streams.at("/0/replica").asText()).isEqualTo(connected.url());
    }

    @Test
    void statusOfAPodNotConnected_isNotFound() {
        QmeshctlRun run = qmeshctl("proxy", "status", "bookbuyer/bookthief");

        assertThat(run.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(run.err()).contains("is not connected to xds-service");
    }

    @Test
    void status_oneReplicaNotAnswering_listsTheOthersAndExitsUnreachable() {
        other.close();

        QmeshctlRun run = qmeshctl("proxy", "status");

        assertThat(run.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(run.out()).contains("bookbuyer/bookbuyer-5d8f");
        assertThat(run.err()).contains("asking xds-service " + other.url() + " for /debug/xds/proxies");
    }

    /** Each resource of one kind, parsed from its JSON (an Any with @type) into its Envoy type. */
    static <T extends Message> List<T> parse(JsonNode config, String kind, Class<T> type) throws Exception {
        List<T> resources = new ArrayList<>();
        for (JsonNode entry : config.at("/" + kind + "/resources")) {
            Any.Builder any = Any.newBuilder();
            JsonFormat.parser().usingTypeRegistry(ENVOY).merge(JSON.writeValueAsString(entry.get("resource")), any);
            resources.add(any.build().unpack(type));
        }
        return resources;
    }

}
