package io.qmesh.controller;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.qmesh.api.crd.MeshResource;
import io.qmesh.api.crd.policy.Retry;
import io.qmesh.api.crd.smi.TrafficSplit;
import io.qmesh.controller.distribute.PolicyDistributor;
import io.qmesh.controller.watch.ClusterWatcher;
import jakarta.inject.Inject;
import java.time.ZonedDateTime;
import io.qmesh.testing.GoldenFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Status conditions written by the elected controller, and the controller's metrics, against the mock API server. */
@QuarkusTest
@WithKubernetesTestServer
class ControllerStatusIT {

    static final Path GOLDEN = Path.of("src/test/resources/golden");

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    ClusterWatcher watcher;

    @Inject
    PolicyDistributor distributor;

    void apply(String file) {
        KubernetesClient client = server.getClient();
        for (HasMetadata o : KubeYaml.read(GoldenFiles.read(GOLDEN.resolve(file)))) {
            client.resource(o).createOr(op -> op.update());
        }
    }

    void create(String name, String backend) {
        TrafficSplit split = new TrafficSplit();
        split.getMetadata().setName(name);
        split.getMetadata().setNamespace("bookstore");
        TrafficSplit.Spec spec = new TrafficSplit.Spec();
        spec.service = "bookstore";
        TrafficSplit.Backend b = new TrafficSplit.Backend();
        b.service = backend;
        b.weight = 100;
        spec.backends = java.util.List.of(b);
        split.setSpec(spec);
        server.getClient().resource(split).create();
    }

    Condition accepted(Class<? extends MeshResource<?>> type, String ns, String name) {
        MeshResource<?> r = server.getClient().resources(type).inNamespace(ns).withName(name).get();
        if (r == null || r.getStatus() == null) {
            return null;
        }
        return r.getStatus().conditions.stream().filter(c -> "Accepted".equals(c.getType())).findFirst().orElse(null);
    }

    @Test
    void status_twoSplitsOnOneApex_firstAcceptedSecondConflictNamingTheWinner() {
        apply("cluster.yaml");
        // The API server stamps creationTimestamp (to the second; ties go to the name that sorts first).
        create("first", "bookstore-v1");
        create("second", "bookstore-v2");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Condition first = accepted(TrafficSplit.class, "bookstore", "first");
            Condition second = accepted(TrafficSplit.class, "bookstore", "second");
            assertThat(first).isNotNull();
            assertThat(first.getStatus()).isEqualTo("True");
            assertThat(second).isNotNull();
            assertThat(second.getStatus()).isEqualTo("False");
            assertThat(second.getReason()).isEqualTo("Conflict");
            assertThat(second.getMessage()).contains("spec.service", "TrafficSplit bookstore/first");
            assertThat(second.getObservedGeneration()).isEqualTo(
                    server.getClient().resources(TrafficSplit.class).inNamespace("bookstore").withName("second").get()
                            .getMetadata().getGeneration());
            assertThat(second.getLastTransitionTime()).isNotBlank();
        });
    }

    @Test
    void status_onAReplicaThatLostTheLease_isNotWritten_whilePolicyIsStillCompiledAndServed() {
        apply("cluster.yaml");
        apply("retry/input.yaml");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(accepted(Retry.class, "bookbuyer", "bookbuyer-retry")).extracting(Condition::getStatus).isEqualTo("True"));
        KubernetesClient client = server.getClient();
        try {
            // The leader renews the Lease several times a second: retry on 409 Conflict.
            await().atMost(Duration.ofSeconds(30)).ignoreException(KubernetesClientException.class).untilAsserted(() ->
                    client.leases().inNamespace("qmesh-system").withName("qmesh-controller").edit(lease -> {
                        lease.getSpec().setHolderIdentity("another-replica");
                        lease.getSpec().setLeaseDurationSeconds(3600);
                        lease.getSpec().setRenewTime(ZonedDateTime.now());
                        return lease;
                    }));
            await().atMost(Duration.ofSeconds(30)).until(() -> !watcher.isLeader());

            client.resources(Retry.class).inNamespace("bookbuyer").withName("bookbuyer-retry").edit(r -> {
                r.getSpec().retryPolicy.perTryTimeout = "soon";
                return r;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> distributor.current().policy().getDiagnosticsList().stream()
                    .anyMatch(d -> d.getResource().getName().equals("bookbuyer-retry")));

            assertThat(accepted(Retry.class, "bookbuyer", "bookbuyer-retry").getStatus())
                    .as("a follower compiles the change but leaves status to the leader").isEqualTo("True");
        } finally {
            client.leases().inNamespace("qmesh-system").withName("qmesh-controller").delete();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(accepted(Retry.class, "bookbuyer", "bookbuyer-retry")).extracting(Condition::getReason)
                        .as("re-elected, it writes the pending status").isEqualTo("InvalidField"));
    }

    @Test
    void metrics_afterCompile_exposeControllerSeries() {
        apply("cluster.yaml");
        apply("split-invalid-backends/input.yaml");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("qmesh_controller_events_total{kind=\"TrafficSplit\""))
                .body(containsString("qmesh_controller_compile_duration_seconds_count"))
                .body(matchesPattern("(?s).*qmesh_controller_policy_version_info\\{version=\"sha256:[0-9a-f]{64}\"\\} 1\\.0.*"))
                .body(containsString("qmesh_controller_diagnostics{reason=\"ZeroWeights\"} 1.0"))
                .body(containsString("qmesh_controller_subscribers 0.0")));
    }
}
