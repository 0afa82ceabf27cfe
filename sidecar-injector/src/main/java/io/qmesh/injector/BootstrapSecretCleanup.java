package io.qmesh.injector;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qmesh.api.MeshLabels;
import io.qmesh.injector.patch.PodInjector;
import io.qmesh.runtime.DaemonThreads;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Deletes a pod's bootstrap Secret once the pod is gone. The Secret cannot be owned by its pod (at
 * admission the pod has no uid yet), so nothing else would ever remove it. Watches the injected pods
 * (label {@code qmesh.io/proxy-uuid}) of every namespace and needs only {@code delete} on Secrets,
 * never {@code get} or {@code list}: the injector cannot read the cluster's Secrets.
 *
 * <p>Left behind: Secrets of pods deleted while no injector ran, and of pods whose creation failed
 * after admission. Finding those would need reading every Secret in the cluster.
 */
@ApplicationScoped
public class BootstrapSecretCleanup {

    private static final Logger LOG = Logger.getLogger(BootstrapSecretCleanup.class);

    private final KubernetesClient client;
    private final boolean enabled;
    private final Counter deleted;
    /** Deletes run here, not on the informer's thread, which must not wait on the API server. */
    private final ExecutorService deletes = Executors.newSingleThreadExecutor(DaemonThreads.named("bootstrap-secret-cleanup"));
    private SharedIndexInformer<Pod> informer;

    BootstrapSecretCleanup(KubernetesClient client, MeterRegistry registry,
            @ConfigProperty(name = "qmesh.injector.bootstrap-cleanup.enabled", defaultValue = "true") boolean enabled) {
        this.client = client;
        this.enabled = enabled;
        this.deleted = Counter.builder("qmesh.injector.bootstrap.secrets.deleted")
                .description("Bootstrap Secrets deleted after their pod was deleted").register(registry);
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.info("bootstrap Secret cleanup disabled (qmesh.injector.bootstrap-cleanup.enabled=false)");
            return;
        }
        informer = client.pods().inAnyNamespace().withLabel(MeshLabels.PROXY_UUID).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                deletes.execute(() -> deleteSecretOf(pod));
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (informer != null) {
            informer.close();
        }
        deletes.shutdownNow();
    }

    private void deleteSecretOf(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        String uuid = pod.getMetadata().getLabels().get(MeshLabels.PROXY_UUID);
        String name = PodInjector.BOOTSTRAP_SECRET_PREFIX + uuid;
        try {
            if (!client.secrets().inNamespace(namespace).withName(name).delete().isEmpty()) {
                deleted.increment();
                LOG.infof("deleted bootstrap Secret %s/%s of deleted pod %s", namespace, name, pod.getMetadata().getName());
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("bootstrap Secret %s/%s of deleted pod %s not deleted: %s", namespace, name,
                    pod.getMetadata().getName(), e.getMessage());
        }
    }
}
