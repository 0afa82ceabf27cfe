package io.qmesh.injector.patch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.qmesh.api.MeshLabels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Admission of one pod: decides, then builds the JSON patch and the bootstrap spec. Pure: the
 * proxy uuid arrives as an argument; the Secret is created and the certificate issued at the edge.
 */
public final class PodInjector {

    public static final String BOOTSTRAP_SECRET_PREFIX = "qmesh-bootstrap-";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What admission of a pod comes to. */
    public sealed interface Outcome permits Skip, Reject, Inject {
    }

    /** Not injected; allowed unchanged. */
    public record Skip(String reason) implements Outcome {
    }

    /** The pod's own settings are invalid: each error names the annotation and the entry. */
    public record Reject(List<String> errors) implements Outcome {
        public Reject {
            errors = List.copyOf(errors);
        }
    }

    /** Injected: the patch, and the bootstrap the Secret {@code secretName} must hold. */
    public record Inject(String reason, String proxyUuid, String secretName, List<JsonPatchOp> patch,
            BootstrapSpec bootstrap) implements Outcome {
        public Inject {
            patch = List.copyOf(patch);
        }
    }

    private PodInjector() {
    }

    public static Outcome admit(Pod pod, String namespace, InjectionDecision.Namespace ns,
            SidecarSettings settings, String proxyUuid) {
        ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
        PodSpec spec = Objects.requireNonNull(pod.getSpec(), "pod spec");
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        InjectionDecision decision = InjectionDecision.decide(
                new InjectionDecision.Pod(namespace, annotations, Boolean.TRUE.equals(spec.getHostNetwork()),
                        hasSidecar(pod)),
                ns, settings.meshName(), settings.controlPlaneNamespace());
        if (!decision.inject()) {
            return new Skip(decision.reason());
        }
        TrafficExclusions.Parsed podExclusions = TrafficExclusions.fromAnnotations(annotations);
        if (!podExclusions.errors().isEmpty()) {
            return new Reject(podExclusions.errors());
        }
        TrafficExclusions exclusions = settings.meshExclusions().merge(podExclusions.exclusions());
        List<Container> containers = spec.getContainers() == null ? List.of() : spec.getContainers();
        ProbeRewrites.Result probes = ProbeRewrites.of(containers);
        String secretName = BOOTSTRAP_SECRET_PREFIX + proxyUuid;
        boolean metrics = InjectionDecision.ENABLED.equals(annotations.getOrDefault(MeshLabels.METRICS,
                ns.annotations().get(MeshLabels.METRICS)));

        List<JsonPatchOp> ops = new ArrayList<>();
        for (ProbeRewrites.Rewrite r : probes.rewrites()) {
            ops.add(JsonPatchOp.replace("/spec/containers/" + r.containerIndex() + "/" + r.kind().field(),
                    JSON.valueToTree(r.probe())));
        }
        addToMap(ops, "/metadata/labels", meta.getLabels(), Map.of(MeshLabels.PROXY_UUID, proxyUuid));
        if (metrics) {
            addToMap(ops, "/metadata/annotations", meta.getAnnotations(), Map.of(
                    "prometheus.io/scrape", "true",
                    "prometheus.io/port", String.valueOf(EnvoyBootstrap.STATS_PORT),
                    "prometheus.io/path", "/stats/prometheus"));
        }
        addToList(ops, "/spec/volumes", spec.getVolumes() == null || spec.getVolumes().isEmpty(), List.of(SidecarContainers.bootstrapVolume(secretName)), false);
        Container init = SidecarContainers.init(settings, IptablesScript.render(exclusions));
        Container envoy = SidecarContainers.envoy(settings, settings.nativeSidecars());
        List<Object> initContainers = settings.nativeSidecars() ? List.of(init, envoy) : List.of(init);
        addToList(ops, "/spec/initContainers", spec.getInitContainers() == null || spec.getInitContainers().isEmpty(),
                initContainers, true);
        if (!settings.nativeSidecars()) {
            ops.add(JsonPatchOp.add("/spec/containers/0", JSON.valueToTree(envoy)));
        }
        BootstrapSpec bootstrap = new BootstrapSpec(proxyUuid, nameOf(meta), namespace,
                meta.getUid() == null ? "" : meta.getUid(), serviceAccountOf(spec), settings.meshName(),
                settings.xdsHost(), settings.xdsPort(), SidecarSettings.CERT_DIRECTORY, probes.routes());
        return new Inject(decision.reason(), proxyUuid, secretName, ops, bootstrap);
    }

    /** The rendered iptables rules of an injection (for review and the network namespace test). */
    public static String rules(Pod pod, SidecarSettings settings) {
        Map<String, String> annotations = pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null
                ? Map.of() : pod.getMetadata().getAnnotations();
        return IptablesScript.render(settings.meshExclusions().merge(TrafficExclusions.fromAnnotations(annotations).exclusions()));
    }

    /** A pod that already carries qmesh's containers or proxy label. */
    public static boolean hasSidecar(Pod pod) {
        PodSpec spec = pod.getSpec();
        Stream<Container> all = Stream.concat(
                spec.getContainers() == null ? Stream.empty() : spec.getContainers().stream(),
                spec.getInitContainers() == null ? Stream.empty() : spec.getInitContainers().stream());
        boolean labelled = pod.getMetadata() != null && pod.getMetadata().getLabels() != null
                && pod.getMetadata().getLabels().containsKey(MeshLabels.PROXY_UUID);
        return labelled || all.anyMatch(c -> SidecarContainers.ENVOY_NAME.equals(c.getName())
                || SidecarContainers.INIT_NAME.equals(c.getName()));
    }

    public static String serviceAccountOf(PodSpec spec) {
        String sa = spec.getServiceAccountName() != null ? spec.getServiceAccountName() : spec.getServiceAccount();
        return sa == null || sa.isEmpty() ? "default" : sa;
    }

    /** The pod's name, or its generateName prefix when the API server has not named it yet. */
    public static String nameOf(ObjectMeta meta) {
        if (meta.getName() != null && !meta.getName().isEmpty()) {
            return meta.getName();
        }
        return meta.getGenerateName() == null ? "" : meta.getGenerateName();
    }

    private static void addToMap(List<JsonPatchOp> ops, String path, Map<String, String> existing, Map<String, String> add) {
        if (existing == null || existing.isEmpty()) {
            ObjectNode node = JSON.createObjectNode();
            new java.util.TreeMap<>(add).forEach(node::put);
            ops.add(JsonPatchOp.add(path, node));
            return;
        }
        new java.util.TreeMap<>(add).forEach((k, v) ->
                ops.add(JsonPatchOp.add(path + "/" + JsonPatchOp.escape(k), JSON.getNodeFactory().textNode(v))));
    }

    /** Adds items to a list: the whole list when absent, else at the front or the end. */
    private static void addToList(List<JsonPatchOp> ops, String path, boolean absent, List<?> items, boolean atFront) {
        if (absent) {
            ops.add(JsonPatchOp.add(path, JSON.valueToTree(items)));
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            ops.add(JsonPatchOp.add(path + "/" + (atFront ? String.valueOf(i) : "-"), JSON.valueToTree(items.get(i))));
        }
    }
}
