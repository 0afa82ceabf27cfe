package io.qmesh.controller.watch;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.qmesh.api.crd.MeshResource;
import io.qmesh.api.crd.MeshResourceStatus;
import io.qmesh.controller.compile.ResourceKind;
import io.qmesh.controller.compile.ResourceStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Writes each resource's {@code Accepted} condition through the status subresource, only where it
 * differs from what the resource already carries (so re-compiles and other replicas' writes settle).
 */
final class StatusWriter {

    private static final Logger LOG = Logger.getLogger(StatusWriter.class);

    private final KubernetesClient client;
    private final Clock clock;

    StatusWriter(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** @param current the resources as the informers hold them, by {@code kind/namespace/name} */
    int write(List<ResourceStatus> statuses, Map<String, HasMetadata> current) {
        int written = 0;
        for (ResourceStatus s : statuses) {
            HasMetadata resource = current.get(key(s.kind(), s.namespace(), s.name()));
            if (!(resource instanceof MeshResource<?> mesh) || upToDate(mesh, s)) {
                continue;
            }
            try {
                update(mesh, s);
                written++;
            } catch (KubernetesClientException e) {
                // A conflict or a deleted resource: the informer event that follows brings a new compile.
                LOG.infof("status of %s not written (%d): %s", s.ref(), e.getCode(), e.getMessage());
            }
        }
        return written;
    }

    static String key(ResourceKind kind, String namespace, String name) {
        return kind.name() + "/" + namespace + "/" + name;
    }

    private static boolean upToDate(MeshResource<?> resource, ResourceStatus s) {
        Condition c = accepted(resource);
        return c != null && Objects.equals(c.getStatus(), s.accepted() ? "True" : "False")
                && Objects.equals(c.getReason(), s.reason()) && Objects.equals(c.getMessage(), s.message())
                && Objects.equals(c.getObservedGeneration(), s.observedGeneration());
    }

    private static Condition accepted(MeshResource<?> resource) {
        if (resource.getStatus() == null || resource.getStatus().conditions == null) {
            return null;
        }
        return resource.getStatus().conditions.stream()
                .filter(c -> MeshResourceStatus.ACCEPTED.equals(c.getType())).findFirst().orElse(null);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void update(MeshResource<?> resource, ResourceStatus s) {
        MeshResource copy = client.getKubernetesSerialization().clone(resource);
        Condition previous = accepted(resource);
        String status = s.accepted() ? "True" : "False";
        String since = previous != null && status.equals(previous.getStatus()) && previous.getLastTransitionTime() != null
                ? previous.getLastTransitionTime()
                : DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        Condition condition = new ConditionBuilder().withType(MeshResourceStatus.ACCEPTED).withStatus(status)
                .withReason(s.reason()).withMessage(s.message()).withObservedGeneration(s.observedGeneration())
                .withLastTransitionTime(since).build();
        MeshResourceStatus newStatus = new MeshResourceStatus();
        List<Condition> conditions = new ArrayList<>();
        if (resource.getStatus() != null && resource.getStatus().conditions != null) {
            resource.getStatus().conditions.stream().filter(c -> !MeshResourceStatus.ACCEPTED.equals(c.getType()))
                    .forEach(conditions::add);
        }
        conditions.add(condition);
        newStatus.conditions = conditions;
        copy.setStatus(newStatus);
        client.resource(copy).inNamespace(s.namespace()).updateStatus();
        LOG.infof("status of %s: Accepted=%s reason=%s generation=%d", s.ref(), status, s.reason(), s.observedGeneration());
    }
}
