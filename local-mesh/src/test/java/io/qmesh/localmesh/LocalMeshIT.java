package io.qmesh.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmesh.testing.ExternalCommand;
import io.qmesh.testing.LocalScrapeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole local mesh, started once for both tests: the four services and the demo apps as
 * processes, the apps speaking grpc-xds to xds-service over mTLS with the caller's SPIFFE identity
 * checked by the server's RBAC. First the control-plane dashboard against a real Prometheus, then the
 * bookstore walkthrough end to end, every step an assertion, and fault tolerance: xds-service killed
 * mid-traffic and restarted, mesh-controller restarted. Every process is stopped at the end, also on failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalMeshIT {

    static final Duration WINDOW = Duration.ofSeconds(3);
    static final Duration PROPAGATION = Duration.ofSeconds(60);
    static final Path DASHBOARD = Path.of("k8s/addons/dashboards/qmesh-control-plane.json");
    /** Prometheus scrapes every second here (10 s as shipped), so that rates have their two samples within seconds. */
    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

    /** Kept after the run: the logs of every process (Prometheus' included) are what tells why a step failed. */
    final Path work = Path.of("target", "local-mesh-it").toAbsolutePath();

    Layout layout;
    Processes processes;
    ControlPlane controlPlane;
    Mesh mesh;

    @BeforeAll
    void up() {
        layout = Layout.find(Path.of(""), work);
        processes = new Processes(work.resolve("logs"));
        controlPlane = new ControlPlane(layout, processes);
        mesh = Mesh.up(layout, processes, controlPlane, Duration.ofMillis(50), System.out);
    }

    @AfterAll
    void down() {
        if (mesh != null) {
            mesh.apps().close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (processes != null) {
            processes.close();
        }
    }

    /**
     * Every panel of the control-plane dashboard shows data. Debian's Prometheus scrapes the four services
     * with the shipped scrape configuration (discovery replaced by the pods the shipped Deployments
     * describe); after its first scrape the test makes the activity the panels show — access policy
     * changes pushed to the apps and acknowledged, an AdmissionReview over HTTPS with its bootstrap
     * certificate, a TrafficSplit the controller rejects — and then every PromQL query of every panel must
     * return a value that is not NaN. The shipped alerting rules (k8s/addons/qmesh-alerts.yml) are then
     * evaluated without error, and none fires. Runs first, on the fresh mesh.
     */
    @Test
    @Order(1)
    void controlPlaneDashboard_withServicesScrapedAndActive_everyPanelQueryReturnsData_andNoAlertFires() throws Exception {
        ExternalCommand.assumeInstalled("prometheus", "apt-get install prometheus (.ci/run does)");
        List<DashboardQueries.Query> queries = DashboardQueries.of(layout.repo().resolve(DASHBOARD));
        assertThat(queries).as("queries of %s", DASHBOARD).isNotEmpty();
        Instant start = Instant.now();
        Prometheus prometheus = Prometheus.start(processes, work.resolve("prometheus"), LocalScrapeConfig.localized(layout.repo(),
                Map.of("qmesh-control-plane", DashboardActivity.controlPlanePods(layout, controlPlane)), SCRAPE_INTERVAL),
                Duration.ofSeconds(30));
        try {
            DashboardActivity.await("every control-plane service scraped", Duration.ofSeconds(30), () ->
                    prometheus.query("up{job=\"qmesh-control-plane\"} == 1").size() == ControlPlane.SERVICES.size()
                            ? null : prometheus.targets());

            // after the first scrape, so that every rate() and histogram sees an increase within its window
            DashboardActivity.changePolicyUntilConverged(mesh, layout);
            DashboardActivity.admitPod(controlPlane);
            DashboardActivity.applyBrokenTrafficSplit(mesh, work.resolve("dashboard"));

            DashboardActivity.await("every panel query returns data", Duration.ofSeconds(60), () -> {
                List<String> empty = new ArrayList<>();
                for (DashboardQueries.Query query : queries) {
                    JsonNode result = prometheus.query(query.expr());
                    if (!hasNumber(result)) {
                        empty.add("  " + query + " -> " + result);
                    }
                }
                if (empty.stream().anyMatch(q -> q.contains("qmesh_injector_"))) {
                    // the injector's rates need an admission between two of its scrapes; a scrape that failed
                    // or came late can miss the first one, so admit another pod (as a rollout would)
                    admitAnotherPod();
                }
                return empty.isEmpty() ? null : empty.size() + " of " + queries.size() + " queries of " + DASHBOARD
                        + " came back empty or NaN:\n" + String.join("\n", empty);
            });
            System.out.printf("== %d queries of %s returned data, %d s after Prometheus started%n", queries.size(), DASHBOARD,
                    Duration.between(start, Instant.now()).toSeconds());

            // the shipped alerting rules, evaluated on the real services' metrics: valid, and quiet on a healthy mesh
            DashboardActivity.await("every alerting rule evaluated", Duration.ofSeconds(30), () -> {
                List<String> notOk = new ArrayList<>();
                int rules = 0;
                for (JsonNode group : prometheus.api("/api/v1/rules").path("groups")) {
                    for (JsonNode rule : group.path("rules")) {
                        rules++;
                        if (!"ok".equals(rule.path("health").asText()) || rule.path("lastEvaluation").asText().startsWith("0001")) {
                            notOk.add("  " + rule.path("name").asText() + ": " + rule.path("health").asText() + " "
                                    + rule.path("lastError").asText());
                        }
                    }
                }
                return rules > 0 && notOk.isEmpty() ? null : rules + " rules, not evaluated or failing:\n" + String.join("\n", notOk);
            });
            assertThat(prometheus.api("/api/v1/alerts").path("alerts")).as("alerts on a healthy mesh")
                    .noneMatch(alert -> "firing".equals(alert.path("state").asText()));
        } finally {
            prometheus.stop();
        }
    }

    private void admitAnotherPod() {
        try {
            DashboardActivity.admitPod(controlPlane);
        } catch (Exception e) {
            throw new AssertionError("admitting another pod to the injector", e);
        }
    }

    /** At least one sample that is a number (histogram_quantile over a window without observations gives NaN). */
    static boolean hasNumber(JsonNode result) {
        for (JsonNode sample : result) {
            if (!"NaN".equals(sample.path("value").path(1).asText("NaN"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    @Order(2)
    void walkthrough_allowsDeniesSplitsAndSurvivesControlPlaneRestarts() throws Exception {
        Walkthrough walk = mesh.walkthrough();
        var buyer = mesh.buyer();
        var thief = mesh.thief();

        walk.permissive(true);
        awaitWindow(buyer, c -> c.boughtTotal() > 0 && c.failedTotal() == 0);
        awaitWindow(thief, c -> c.boughtTotal() > 0 && c.failedTotal() == 0);

        walk.permissive(false);
        awaitWindow(buyer, c -> c.boughtTotal() == 0 && c.failed().containsKey("PERMISSION_DENIED"));
        awaitWindow(thief, c -> c.boughtTotal() == 0 && c.failed().containsKey("PERMISSION_DENIED"));

        walk.applyTrafficTargets();
        awaitWindow(buyer, c -> c.boughtTotal() > 0 && c.failedTotal() == 0);
        awaitWindow(thief, c -> c.boughtTotal() == 0 && c.failed().containsKey("PERMISSION_DENIED"));
        assertThat(mesh.explainThiefDenial(layout, processes)).contains("verdict: deny")
                .contains("no TrafficTarget allows identity bookthief/bookthief to reach bookstore/bookstore");

        walk.split(100, 0);
        mesh.startBookstoreV2();
        awaitWindow(buyer, c -> c.bought().getOrDefault("v1", 0L) > 0 && !c.bought().containsKey("v2"));

        walk.split(50, 50);
        Counters fifty = awaitWindow(buyer, Duration.ofSeconds(15), c -> c.boughtTotal() >= 200 && c.bought().containsKey("v2"));
        double v2Share = (double) fifty.bought().getOrDefault("v2", 0L) / fifty.boughtTotal();
        assertThat(v2Share).as("share of v2 in %s", fifty).isBetween(0.4, 0.6);

        walk.split(0, 100);
        awaitWindow(buyer, c -> c.bought().getOrDefault("v2", 0L) > 0 && !c.bought().containsKey("v1") && c.failedTotal() == 0);

        // xds-service goes away: the apps keep working on the last configuration
        controlPlane.stopService("xds-service");
        Counters whileDown = window(buyer, Duration.ofSeconds(5));
        assertThat(whileDown.bought().getOrDefault("v2", 0L)).as("while xds-service is down: %s", whileDown).isPositive();
        controlPlane.startService("xds-service", Duration.ofMinutes(2));
        walk.split(50, 50);
        awaitWindow(buyer, c -> c.bought().containsKey("v1") && c.bought().containsKey("v2"));

        // mesh-controller restarts: it compiles the same state to the same version, nothing new reaches the proxies
        String before = heldPolicyVersion(controlPlane);
        controlPlane.stopService("mesh-controller");
        controlPlane.startService("mesh-controller", Duration.ofMinutes(2));
        Walkthrough.sleep(Duration.ofSeconds(5));
        assertThat(heldPolicyVersion(controlPlane)).isEqualTo(before);
        awaitWindow(buyer, c -> c.bought().containsKey("v1") && c.bought().containsKey("v2") && c.failedTotal() == 0);
    }

    static Counters window(DemoWorkloads.RunningApp app, Duration length) {
        Counters before = Counters.read(app.countersUrl());
        Walkthrough.sleep(length);
        return Counters.read(app.countersUrl()).since(before);
    }

    static Counters awaitWindow(DemoWorkloads.RunningApp app, Predicate<Counters> condition) {
        return awaitWindow(app, WINDOW, condition);
    }

    /** Measures windows of traffic until one satisfies the condition, as the policy propagates. */
    static Counters awaitWindow(DemoWorkloads.RunningApp app, Duration length, Predicate<Counters> condition) {
        Instant deadline = Instant.now().plus(PROPAGATION);
        Counters last = null;
        while (Instant.now().isBefore(deadline)) {
            last = window(app, length);
            if (condition.test(last)) {
                return last;
            }
        }
        throw new AssertionError(app.app().pod() + " never saw the expected traffic within " + PROPAGATION + "; last window: " + last);
    }

    /** The MeshPolicy version xds-service serves, from its readiness check. */
    static String heldPolicyVersion(ControlPlane controlPlane) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(controlPlane.service("xds-service").health()))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode check : new ObjectMapper().readTree(body).path("checks")) {
            if (check.path("name").asText().equals("mesh-policy")) {
                return check.path("data").path("version").asText();
            }
        }
        throw new AssertionError("xds-service readiness has no mesh-policy check: " + body);
    }
}
