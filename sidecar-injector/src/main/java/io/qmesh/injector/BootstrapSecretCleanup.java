package io.qmesh.injector;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Makes sure a pod's bootstrap Secret goes when its pod goes. At admission the pod has no uid yet,
 * so the Secret is written without an owner; then:
 * <ul>
 *   <li>once the pod exists (and for every injected pod when the injector starts), the Secret gets the
 *       pod as its owner, so Kubernetes' garbage collector deletes it with the pod, also while no
 *       injector runs;</li>
 *   <li>when a pod is deleted, its Secret is deleted at once;</li>
 *   <li>when no pod with the Secret's proxy uuid exists a grace period after admission, the pod's creation
 *       failed after admission (another webhook or a quota refused it) and the Secret is deleted.</li>
 * </ul>
 * Watches the injected pods (label {@code qmesh.io/proxy-uuid}) of every namespace and needs only
 * {@code patch} and {@code delete} on Secrets, never {@code get} or {@code list}. Each adopted Secret's
 * pod goes on to {@link BootstrapRenewal}, with when its certificate is due (from the patch's answer),
 * so disabling the cleanup disables renewals too.
 *
 * <p>Left behind: the Secret of a pod whose creation failed while the injector restarted within the grace period.
 */
@ApplicationScoped
public class BootstrapSecretCleanup {

    private static final Logger LOG = Logger.getLogger(BootstrapSecretCleanup.class);
    private static final String BY_PROXY_UUID = "proxy-uuid";

    private final KubernetesClient client;
    private final BootstrapRenewal renewal;
    private final boolean enabled;
    private final Duration orphanGrace;
    private final Counter deletedWithPod;
    private final Counter deletedWithoutPod;
    private final Counter adoptionFailures;
    /** API calls run here, not on the informer's or the admission's thread, which must not wait on them. */
    private final ScheduledExecutorService calls = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("bootstrap-secret-cleanup"));
    private SharedIndexInformer<Pod> informer;

    BootstrapSecretCleanup(KubernetesClient client, BootstrapRenewal renewal, MeterRegistry registry, InjectorConfig config) {
        this.client = client;
        this.renewal = renewal;
        this.enabled = config.bootstrapCleanup().enabled();
        this.orphanGrace = config.bootstrapCleanup().orphanGrace();
        this.deletedWithPod = deletedCounter(registry, "pod_deleted", "its pod was deleted");
        this.deletedWithoutPod = deletedCounter(registry, "pod_not_created", "no pod was created after its admission");
        this.adoptionFailures = Counter.builder("qmesh.injector.bootstrap.secret.adoption.failures")
                .description("Bootstrap Secrets that could not be given their pod as owner").register(registry);
    }

    private static Counter deletedCounter(MeterRegistry registry, String reason, String description) {
        return Counter.builder("qmesh.injector.bootstrap.secrets.deleted").tag("reason", reason)
                .description("Bootstrap Secrets deleted by the injector: " + description).register(registry);
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.info("bootstrap Secret cleanup disabled (qmesh.injector.bootstrap-cleanup.enabled=false)");
            return;
        }
        informer = client.pods().inAnyNamespace().withLabel(MeshLabels.PROXY_UUID).runnableInformer(0);
        informer.addIndexers(Map.of(BY_PROXY_UUID, pod -> List.of(key(pod.getMetadata().getNamespace(), proxyUuid(pod)))));
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                calls.execute(() -> adopt(pod));
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                renewal.forget(pod);
                calls.execute(() -> {
                    if (delete(pod.getMetadata().getNamespace(), proxyUuid(pod), "deleted pod " + pod.getMetadata().getName())) {
                        deletedWithPod.increment();
                    }
                });
            }
        });
        informer.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (informer != null) {
            informer.close();
        }
        calls.shutdownNow();
    }

    /** A bootstrap Secret was written for the pod being admitted: delete it if that pod never appears. */
    void expectPod(String namespace, String proxyUuid) {
        if (!enabled) {
            return;
        }
        calls.schedule(() -> {
            if (informer != null && !informer.getIndexer().byIndex(BY_PROXY_UUID, key(namespace, proxyUuid)).isEmpty()) {
                return; // the usual case, answered from the watch
            }
            try {
                // not seen by the watch, which may lag behind: ask the API server
                boolean exists = !client.pods().inNamespace(namespace).withLabel(MeshLabels.PROXY_UUID, proxyUuid).list()
                        .getItems().isEmpty();
                String why = "no pod created in the " + orphanGrace.toSeconds() + " s since its admission";
                if (!exists && delete(namespace, proxyUuid, why)) {
                    deletedWithoutPod.increment();
                }
            } catch (KubernetesClientException e) {
                LOG.warnf("could not check for the pod of bootstrap Secret %s/%s: %s", namespace,
                        PodInjector.BOOTSTRAP_SECRET_PREFIX + proxyUuid, e.getMessage());
            }
        }, orphanGrace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Gives the pod's Secret the pod as owner (a merge patch: the injector never reads the Secret). */
    private void adopt(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        String name = PodInjector.BOOTSTRAP_SECRET_PREFIX + proxyUuid(pod);
        var owner = new OwnerReferenceBuilder().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid()).build();
        try {
            Secret adopted = client.secrets().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                    client.getKubernetesSerialization().asJson(Map.of("metadata", Map.of("ownerReferences", List.of(owner)))));
            LOG.debugf("bootstrap Secret %s/%s owned by pod %s", namespace, name, pod.getMetadata().getName());
            renewal.track(pod, adopted);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return; // injected in a dry run, or already deleted
            }
            adoptionFailures.increment();
            LOG.warnf("bootstrap Secret %s/%s not given its pod %s as owner (deleted when the injector sees the pod go): %s",
                    namespace, name, pod.getMetadata().getName(), e.getMessage());
        }
    }

    private boolean delete(String namespace, String proxyUuid, String why) {
        String name = PodInjector.BOOTSTRAP_SECRET_PREFIX + proxyUuid;
        try {
            if (!client.secrets().inNamespace(namespace).withName(name).delete().isEmpty()) {
                LOG.infof("deleted bootstrap Secret %s/%s: %s", namespace, name, why);
                return true;
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("bootstrap Secret %s/%s not deleted (%s): %s", namespace, name, why, e.getMessage());
        }
        return false;
    }

    private static String key(String namespace, String proxyUuid) {
        return namespace + "/" + proxyUuid;
    }

    private static String proxyUuid(Pod pod) {
        return pod.getMetadata().getLabels().get(MeshLabels.PROXY_UUID);
    }
}
