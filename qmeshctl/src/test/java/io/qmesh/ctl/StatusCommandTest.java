package io.qmesh.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * `status` against the mock API server (Deployments, Lease) and stubs of xds-service (serving the
 * real {@code /debug/xds/status} response) and cert-manager-svc ({@code /q/metrics}).
 */
@EnableKubernetesMockClient(crud = true)
class StatusCommandTest {

    static final String POLICY = "sha256:928f7f1f645ec204cc4a237a0bc4c2a350aeca18ab69ba3b4a37f65f67229367";

    KubernetesClient client;
    DebugEndpointStub xds;
    DebugEndpointStub ca;

    @BeforeEach
    void stubs() {
        xds = new DebugEndpointStub().serve("/debug/xds/status?minutes=5", 200, "xds-debug/status.json");
        ca = new DebugEndpointStub().serve("/q/metrics", 200, "cert-manager-metrics.txt");
    }

    @AfterEach
    void close() {
        xds.close();
        ca.close();
    }

    QmeshctlRun status(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "status";
        all[1] = "--endpoint";
        all[2] = "xds-service=" + xds.url();
        all[3] = "--endpoint";
        all[4] = "cert-manager-svc=" + ca.url();
        System.arraycopy(args, 0, all, 5, args.length);
        return QmeshctlRun.run(() -> client, ControlPlaneFixture.CLOCK, all);
    }

    @Test
    void healthyControlPlane_showsReplicasLeaderCaRootAndEachXdsReplica_exitsZero() {
        ControlPlaneFixture.install(client, 2);

        QmeshctlRun run = status();

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("""
                SERVICE            READY   VERSION
                mesh-controller    1/1     0.1.0-SNAPSHOT
                cert-manager-svc   1/1     0.1.0-SNAPSHOT
                xds-service        2/2     0.1.0-SNAPSHOT
                sidecar-injector   1/1     0.1.0-SNAPSHOT
                """)
                .contains("leader:    " + ControlPlaneFixture.LEADER + " (Lease qmesh-system/qmesh-controller, renewed 2030-01-01T00:00:07Z)")
                .contains("CA root:   expires 2035-12-19T04:00:00Z (in 2178 days)")
                .containsPattern("XDS-SERVICE REPLICA +POLICY VERSION +GROUPS +PROXIES +NACKS \\(5M\\)")
                .containsPattern("127.0.0.1:\\d+ +sha256:928f7f1f645e +3 +2 +1 \\(routes 1\\)")
                .endsWith("healthy\n");
    }

    @Test
    void asJson_carriesFullVersionsForScripts() throws Exception {
        ControlPlaneFixture.install(client, 2);

        JsonNode json = new ObjectMapper().readTree(status("-o", "json").out());

        assertThat(json.get("healthy").asBoolean()).isTrue();
        assertThat(json.at("/xdsReplicas/0/policyVersion").asText()).isEqualTo(POLICY);
        assertThat(json.at("/xdsReplicas/0/connectedProxies").asInt()).isEqualTo(2);
        assertThat(json.at("/xdsReplicas/0/nacksByType/routes").asInt()).isEqualTo(1);
        assertThat(json.at("/leader/holder").asText()).isEqualTo(ControlPlaneFixture.LEADER);
        assertThat(json.at("/caRoot/daysLeft").asInt()).isEqualTo(2178);
        assertThat(json.at("/services/2/ready").asInt()).isEqualTo(2);
    }

    @Test
    void notAllReplicasReady_isDegradedNamingTheDeployment() {
        ControlPlaneFixture.install(client, 1);

        QmeshctlRun run = status();

        assertThat(run.exitCode()).isEqualTo(ExitCode.DEGRADED);
        assertThat(run.out()).contains("xds-service        1/2").contains("degraded:")
                .contains("xds-service: 1 of 2 replicas ready (kubectl -n qmesh-system describe deployment xds-service)");
    }

    @Test
    void groupOnAnEarlierConfiguration_isDegradedNamingTheGroupAndTheCause() {
        ControlPlaneFixture.install(client, 2);
        xds.close();
        xds = new DebugEndpointStub().serve("/debug/xds/status?minutes=5", 200, "xds-debug/status-stale-group.json");

        QmeshctlRun run = status();

        assertThat(run.exitCode()).isEqualTo(ExitCode.DEGRADED);
        assertThat(run.out()).containsPattern("127.0.0.1:\\d+ +sha256:\\w{12} +3 \\(1 on an earlier configuration\\)")
                .contains("1 proxy group(s) keep an earlier configuration, e.g. bookbuyer/bookbuyer[bookbuyer/bookbuyer][14001]"
                        + " (generate): java.lang.IllegalArgumentException: malformed IP range '10.0.0.0/40'");
    }

    @Test
    void xdsReplicaNotAnswering_isDegradedSayingWhatWasTriedAndWhatToDo() {
        ControlPlaneFixture.install(client, 2);
        xds.close();

        QmeshctlRun run = status();

        assertThat(run.exitCode()).isEqualTo(ExitCode.DEGRADED);
        assertThat(run.out()).containsPattern("127.0.0.1:\\d+ +did not answer")
                .contains("asking xds-service " + xds.url() + " for /debug/xds/status?minutes=5 through --endpoint xds-service=")
                .contains("or give an address with --endpoint xds-service=http://HOST:PORT");
    }

    @Test
    void withoutPodsOrEndpoints_saysWhereItLookedAndHowToGiveAnAddress() {
        ControlPlaneFixture.install(client, 2);

        QmeshctlRun run = QmeshctlRun.run(() -> client, ControlPlaneFixture.CLOCK, "status");

        assertThat(run.exitCode()).isEqualTo(ExitCode.DEGRADED);
        assertThat(run.out()).contains("no Running xds-service pod in qmesh-system")
                .contains("kubectl -n qmesh-system get pods -l app.kubernetes.io/name=xds-service")
                .contains("CA root:   unknown");
    }

    @Test
    void withoutControlPlane_saysHowToInstallAndExitsNotFound() {
        QmeshctlRun run = status();

        assertThat(run.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(run.err()).contains("qmesh is not installed in this cluster").contains("kubectl apply -f k8s/");
    }

    @Test
    void malformedEndpoint_isAUsageError() {
        ControlPlaneFixture.install(client, 2);

        QmeshctlRun run = QmeshctlRun.run(() -> client, ControlPlaneFixture.CLOCK, "status", "--endpoint", "xds=localhost");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--endpoint 'xds=localhost' is not SERVICE=URL");
    }

    @Test
    void metric_readsAnUnlabelledSample() {
        assertThat(StatusCommand.metric("# HELP x\nx_total{a=\"b\"} 2.0\nx 1.5E9\n", "x")).isEqualTo(1.5e9);
        assertThat(StatusCommand.metric("y 1\n", "x")).isNull();
    }
}
