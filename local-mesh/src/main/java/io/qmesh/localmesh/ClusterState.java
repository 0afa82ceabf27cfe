package io.qmesh.localmesh;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.qmesh.api.MeshLabels;
import io.qmesh.api.crd.MeshResource;
import io.qmesh.api.crd.config.MeshConfig;
import io.qmesh.api.crd.policy.Egress;
import io.qmesh.api.crd.policy.IngressBackend;
import io.qmesh.api.crd.policy.Retry;
import io.qmesh.api.crd.policy.UpstreamTrafficSetting;
import io.qmesh.api.crd.smi.HTTPRouteGroup;
import io.qmesh.api.crd.smi.TCPRoute;
import io.qmesh.api.crd.smi.TrafficSplit;
import io.qmesh.api.crd.smi.TrafficTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What local-mesh writes into the in-memory Kubernetes API: the YAML a user would apply, and — since
 * nothing schedules pods here — a Pod and EndpointSlices for each workload process, on 127.0.0.1
 * with the ports the process really listens on, as the kubelet and endpoint controller would.
 */
final class ClusterState {

    /** The SMI and qmesh CRDs are alpha APIs by design: the client would warn about each on the demo's console. */
    private static final Logger UNSTABLE_VERSION_ALERTS =
            Logger.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils");

    static {
        UNSTABLE_VERSION_ALERTS.setLevel(Level.SEVERE);
    }

    /** A workload process as Kubernetes should see it. */
    record Workload(String namespace, String name, String serviceAccount, Map<String, String> labels, Map<String, Integer> ports) {
    }

    private final KubernetesClient client;

    ClusterState(KubernetesClient client) {
        this.client = client;
    }

    /** The custom resources local-mesh applies, by their typed classes: the in-memory API serves no discovery. */
    private static final List<Class<? extends MeshResource<?>>> MESH_KINDS = List.of(MeshConfig.class, TrafficTarget.class,
            HTTPRouteGroup.class, TCPRoute.class, TrafficSplit.class, Retry.class, UpstreamTrafficSetting.class, Egress.class,
            IngressBackend.class);

    /** Creates or updates every object of the file the filter accepts; returns what was applied. */
    List<HasMetadata> apply(Path yaml, Predicate<HasMetadata> filter) {
        try (InputStream in = Files.newInputStream(yaml)) {
            List<HasMetadata> objects = client.load(in).items().stream().filter(filter).toList();
            objects.forEach(this::createOrUpdate);
            return objects;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + yaml, e);
        }
    }

    private void createOrUpdate(HasMetadata object) {
        if (object instanceof GenericKubernetesResource generic) {
            Class<? extends MeshResource<?>> type = MESH_KINDS.stream()
                    .filter(k -> HasMetadata.getApiVersion(k).equals(generic.getApiVersion()) && HasMetadata.getKind(k).equals(generic.getKind()))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("local-mesh cannot apply " + generic.getApiVersion()
                            + " " + generic.getKind() + " " + generic.getMetadata().getName() + ": not a qmesh or SMI kind"));
            createOrUpdateTyped(type, generic);
            return;
        }
        client.resource(object).createOr(NonDeletingOperation::update);
    }

    private <T extends MeshResource<?>> void createOrUpdateTyped(Class<T> type, GenericKubernetesResource generic) {
        T typed = client.getKubernetesSerialization().convertValue(generic, type);
        client.resources(type).inNamespace(generic.getMetadata().getNamespace()).resource(typed)
                .createOr(NonDeletingOperation::update);
    }

    List<HasMetadata> apply(Path yaml) {
        return apply(yaml, o -> true);
    }

    /** Turns permissive traffic policy mode on or off in the mesh's MeshConfig (a merge patch, as kubectl patch would). */
    void patchMeshConfig(boolean permissive) {
        client.resources(MeshConfig.class).inNamespace("qmesh-system").withName("qmesh-mesh-config").edit(config -> {
            if (config.getSpec() == null) {
                config.setSpec(new MeshConfig.Spec());
            }
            if (config.getSpec().traffic == null) {
                config.getSpec().traffic = new MeshConfig.Traffic();
            }
            config.getSpec().traffic.enablePermissiveTrafficPolicyMode = permissive;
            return config;
        });
    }

    /**
     * The Pod, labelled as sidecar-injector labels the pods it gives a sidecar, and an EndpointSlice for
     * every Service in its namespace whose selector matches its labels. Returns the pod's UID, which
     * the API server assigns, as a kubelet's downward API would hand it to the proxy.
     */
    String register(Workload workload) {
        Pod pod = new PodBuilder()
                .withNewMetadata().withNamespace(workload.namespace()).withName(workload.name())
                .withLabels(workload.labels()).addToLabels(MeshLabels.PROXY_UUID, proxyUuid(workload))
                .endMetadata()
                .withNewSpec().withServiceAccountName(workload.serviceAccount())
                .addNewContainer().withName(workload.name()).withImage("local-mesh/bookstore-demo").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP("127.0.0.1")
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build();
        String uid = client.resource(pod).createOr(NonDeletingOperation::update).getMetadata().getUid();
        for (Service service : client.services().inNamespace(workload.namespace()).list().getItems()) {
            Map<String, String> selector = service.getSpec().getSelector();
            if (selector == null || selector.isEmpty() || !workload.labels().entrySet().containsAll(selector.entrySet())) {
                continue;
            }
            client.resource(slice(service, workload, uid)).createOr(NonDeletingOperation::update);
        }
        return uid;
    }

    /** Stable per pod name, so a restarted local-mesh labels the same pods alike. */
    private static String proxyUuid(Workload workload) {
        return UUID.nameUUIDFromBytes((workload.namespace() + "/" + workload.name()).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    private static EndpointSlice slice(Service service, Workload workload, String uid) {
        EndpointSliceBuilder slice = new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(workload.namespace())
                .withName(service.getMetadata().getName() + "-" + workload.name())
                .addToLabels("kubernetes.io/service-name", service.getMetadata().getName()).endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(true).endConditions()
                .withNewTargetRef().withKind("Pod").withNamespace(workload.namespace()).withName(workload.name()).withUid(uid)
                .endTargetRef().endEndpoint();
        service.getSpec().getPorts().forEach(port -> {
            Integer actual = workload.ports().get(port.getName());
            if (actual != null) {
                slice.addNewPort().withName(port.getName()).withPort(actual).withProtocol("TCP")
                        .withAppProtocol(port.getAppProtocol()).endPort();
            }
        });
        return slice.build();
    }
}
