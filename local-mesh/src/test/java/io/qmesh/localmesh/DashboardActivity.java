package io.qmesh.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qmesh.api.crd.config.MeshConfig;
import io.qmesh.api.crd.smi.TrafficTarget;
import io.qmesh.testing.LocalScrapeConfig.DiscoveredPod;
import io.qmesh.testing.WebhookClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the control-plane dashboard test needs from a running local mesh: the control-plane pods as
 * Prometheus' Kubernetes discovery would see them, and the activity the dashboard's panels show.
 */
final class DashboardActivity {

    private static final String CONVERGENCES = "qmesh_xds_convergence_seconds_count";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DashboardActivity() {
    }

    /**
     * Each service's pod as discovery describes it: the labels and annotations of the shipped Deployment's
     * pod template (k8s/20-&lt;service&gt;.yaml), addressed at its first container port. The one
     * difference from a cluster: here each service serves /q/metrics on a port of its own, so the
     * {@code prometheus.io/port} annotation carries that port instead of 9091.
     */
    static List<DiscoveredPod> controlPlanePods(Layout layout, ControlPlane controlPlane) {
        List<DiscoveredPod> pods = new ArrayList<>();
        for (String service : ControlPlane.SERVICES) {
            Deployment deployment = deployment(layout.k8s().resolve("20-" + service + ".yaml"), controlPlane);
            ObjectMeta template = deployment.getSpec().getTemplate().getMetadata();
            Map<String, String> annotations = new HashMap<>(template.getAnnotations());
            annotations.put("prometheus.io/port", String.valueOf(controlPlane.service(service).httpPort()));
            int containerPort = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0)
                    .getContainerPort();
            pods.add(DiscoveredPod.of("127.0.0.1:" + containerPort, ControlPlane.NAMESPACE, service + "-local",
                    template.getLabels(), annotations));
        }
        return pods;
    }

    private static Deployment deployment(Path manifest, ControlPlane controlPlane) {
        try (InputStream in = Files.newInputStream(manifest)) {
            List<HasMetadata> objects = controlPlane.client().load(in).items();
            return objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst()
                    .orElseThrow(() -> new AssertionError(manifest + " has no Deployment"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Changes the access policy until xds-service has measured the convergence of a change: RBAC pushed
     * and acknowledged, controller events and a compile. Permissive mode goes off first; then the
     * TrafficTarget that lets bookstore restock from bookwarehouse is applied (or, on a retry, removed).
     * That change reaches one proxy only, bookwarehouse's server.
     */
    static void changePolicyUntilConverged(Mesh mesh, Layout layout) {
        String metrics = "http://127.0.0.1:" + mesh.controlPlane().service("xds-service").httpPort() + "/q/metrics";
        MeshConfig config = mesh.controlPlane().client().resources(MeshConfig.class).inNamespace(ControlPlane.NAMESPACE)
                .withName("qmesh-mesh-config").get();
        if (config.getSpec() != null && config.getSpec().traffic != null
                && Boolean.TRUE.equals(config.getSpec().traffic.enablePermissiveTrafficPolicyMode)) {
            double applied = sample(metrics, "qmesh_xds_generate_duration_seconds_count");
            mesh.walkthrough().permissive(false);
            await("xds-service applied the policy without permissive mode", Duration.ofSeconds(15),
                    () -> sample(metrics, "qmesh_xds_generate_duration_seconds_count") > applied ? null : "not yet");
        }
        Path targets = layout.demoManifests().resolve("policies/traffic-targets.yaml");
        for (int attempt = 1; attempt <= 3; attempt++) {
            double before = sample(metrics, CONVERGENCES);
            if (attempt % 2 == 1) {
                mesh.cluster().apply(targets, o -> "bookwarehouse".equals(o.getMetadata().getNamespace()));
            } else {
                mesh.controlPlane().client().resources(TrafficTarget.class).inNamespace("bookwarehouse")
                        .withName("bookstore-to-bookwarehouse").delete();
            }
            Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
            while (Instant.now().isBefore(deadline)) {
                if (sample(metrics, CONVERGENCES) > before) {
                    return;
                }
                Walkthrough.sleep(Duration.ofMillis(500));
            }
        }
        throw new AssertionError("xds-service measured no convergence after 3 changes of bookwarehouse's access policy; see its log");
    }

    /** The sum of a metric's samples in a Prometheus exposition. */
    static double sample(String url, String metric) {
        try {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return text.lines().filter(l -> l.startsWith(metric + " ") || l.startsWith(metric + "{"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * A pod of an enrolled namespace sent to the injector as the API server sends it (HTTPS, trusting
     * the caBundle the injector published): an admission, and a bootstrap certificate from the CA.
     */
    static void admitPod(ControlPlane controlPlane) throws Exception {
        String[] caBundle = {null};
        await("the injector published its caBundle", Duration.ofSeconds(30), () -> {
            MutatingWebhookConfiguration webhook = controlPlane.client().admissionRegistration().v1()
                    .mutatingWebhookConfigurations().withName("qmesh-sidecar-injector").get();
            caBundle[0] = webhook.getWebhooks().get(0).getClientConfig().getCaBundle();
            return caBundle[0] == null ? "no caBundle on " + webhook.getMetadata().getName() : null;
        });
        String review = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"dashboard-check-1",
                 "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
                 "namespace":"bookstore","operation":"CREATE","object":
                 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"dashboard-check","labels":{"app":"bookstore"}},
                  "spec":{"serviceAccountName":"bookstore","containers":[{"name":"app","image":"bookstore"}]}}}}""";
        WebhookClient client = new WebhookClient(caBundle[0], controlPlane.webhookPort());
        HttpResponse<String> response = null;
        // The first TLS handshake with the freshly started webhook server has taken more than the client's
        // 5 s connect timeout on a loaded 2-core machine: try again, as the next pod creation would.
        for (int attempt = 1; response == null; attempt++) {
            try {
                response = client.post("/mutate-pod-creation", review);
            } catch (HttpTimeoutException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = new ObjectMapper().readTree(response.body()).path("response");
        assertThat(answer.path("allowed").asBoolean()).as(response.body()).isTrue();
        assertThat(answer.has("patch")).as("a sidecar injected: %s", response.body()).isTrue();
    }

    /** A TrafficSplit to a Service that does not exist: a diagnostic for the controller, nothing changes for the proxies. */
    static void applyBrokenTrafficSplit(Mesh mesh, Path dir) throws IOException {
        Files.createDirectories(dir);
        mesh.cluster().apply(Files.writeString(dir.resolve("broken-split.yaml"), """
                apiVersion: split.smi-spec.io/v1alpha2
                kind: TrafficSplit
                metadata:
                  name: dashboard-check-missing-backend
                  namespace: bookwarehouse
                spec:
                  service: bookwarehouse
                  backends:
                    - service: bookwarehouse-v9
                      weight: 100
                """));
    }

    /** Polls until {@code problem} returns null; fails with its last answer. */
    static void await(String what, Duration timeout, Supplier<String> problem) {
        Instant deadline = Instant.now().plus(timeout);
        String last = problem.get();
        while (last != null && Instant.now().isBefore(deadline)) {
            Walkthrough.sleep(Duration.ofMillis(500));
            last = problem.get();
        }
        assertThat(last).as("%s within %s", what, timeout).isNull();
    }
}
