package io.qmesh.localmesh;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * What local-mesh writes into the in-memory Kubernetes API: the YAML a user would apply, and — since
 * nothing schedules pods here — a Pod and EndpointSlices for each workload process, on 127.0.0.1
 * with the ports the process really listens on, as the kubelet and endpoint controller would.
 */
final class ClusterState {

    /** A workload process as Kubernetes should see it. */
    record Workload(String namespace, String name, String serviceAccount, Map<String, String> labels, Map<String, Integer> ports) {
    }

    private final KubernetesClient client;

    ClusterState(KubernetesClient client) {
        this.client = client;
    }

    /** Creates or updates every object of the file the filter accepts; returns what was applied. */
    List<HasMetadata> apply(Path yaml, Predicate<HasMetadata> filter) {
        try (InputStream in = Files.newInputStream(yaml)) {
            List<HasMetadata> objects = client.load(in).items().stream().filter(filter).toList();
            objects.forEach(o -> client.resource(o).createOr(NonDeletingOperation::update));
            return objects;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + yaml, e);
        }
    }

    List<HasMetadata> apply(Path yaml) {
        return apply(yaml, o -> true);
    }

    /** Turns permissive traffic policy mode on or off in the mesh's MeshConfig (a merge patch, as kubectl patch would). */
    void patchMeshConfig(boolean permissive) {
        client.genericKubernetesResources("config.qmesh.io/v1alpha1", "MeshConfig").inNamespace("qmesh-system")
                .withName("qmesh-mesh-config").edit(config -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> spec = (Map<String, Object>) config.getAdditionalProperties()
                            .computeIfAbsent("spec", k -> new java.util.LinkedHashMap<String, Object>());
                    @SuppressWarnings("unchecked")
                    Map<String, Object> traffic = (Map<String, Object>) spec.computeIfAbsent("traffic",
                            k -> new java.util.LinkedHashMap<String, Object>());
                    traffic.put("enablePermissiveTrafficPolicyMode", permissive);
                    return config;
                });
    }

    /** The Pod, and an EndpointSlice for every Service in its namespace whose selector matches its labels. */
    void register(Workload workload) {
        String uid = uid(workload.namespace(), workload.name());
        Pod pod = new PodBuilder()
                .withNewMetadata().withNamespace(workload.namespace()).withName(workload.name()).withUid(uid)
                .withLabels(workload.labels()).endMetadata()
                .withNewSpec().withServiceAccountName(workload.serviceAccount())
                .addNewContainer().withName(workload.name()).withImage("local-mesh/bookstore-demo").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP("127.0.0.1")
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build();
        client.resource(pod).createOr(NonDeletingOperation::update);
        for (Service service : client.services().inNamespace(workload.namespace()).list().getItems()) {
            Map<String, String> selector = service.getSpec().getSelector();
            if (selector == null || selector.isEmpty() || !workload.labels().entrySet().containsAll(selector.entrySet())) {
                continue;
            }
            client.resource(slice(service, workload, uid)).createOr(NonDeletingOperation::update);
        }
    }

    /** The pod's uid: stable per name, so a restarted local-mesh describes the same pods. */
    static String uid(String namespace, String name) {
        return UUID.nameUUIDFromBytes((namespace + "/" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
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
