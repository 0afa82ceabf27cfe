package io.qmesh.injector;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qmesh.api.MeshLabels;
import io.qmesh.injector.certs.CaClient;
import io.qmesh.injector.certs.IssuedCertificate;
import io.qmesh.injector.patch.BootstrapSpec;
import io.qmesh.injector.patch.EnvoyBootstrap;
import io.qmesh.injector.patch.PodInjector;
import io.qmesh.runtime.DaemonThreads;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Renews the BOOTSTRAP certificate of every running injected pod before it expires. Envoy presents
 * it whenever it (re)connects to xds-service, so a pod older than the certificate's lifetime would
 * otherwise lose its control plane at the next reconnect (an xds-service restart, a network blip);
 * the renewal also carries the CA's current trust bundle, so a root rotation reaches every Envoy.
 * <p>
 * Each bootstrap Secret says when its certificate is due ({@value #RENEW_AT}, two thirds into the
 * remaining lifetime when it was written). {@link BootstrapSecretCleanup} hands over every injected pod
 * it sees (all of them when the injector starts) with that annotation; at the time, a new key and
 * certificate for the pod's ServiceAccount replace the old ones in the Secret (a merge patch: the
 * injector has no get or list on Secrets), Kubernetes updates the mounted files, and Envoy reloads them through
 * its file-based SDS ({@link EnvoyBootstrap#sdsFiles}). A failed renewal is retried every
 * {@link #RETRY} until the pod goes. Every replica of the injector tracks every pod; just before
 * renewing, a replica looks at the Secret's annotation (through an empty patch) and leaves a
 * certificate another replica has just renewed alone. Made at start-up, so its counters are exported
 * before the first injected pod appears.
 */
@Startup
@ApplicationScoped
public class BootstrapRenewal {

    /** Annotation of a bootstrap Secret: when its certificate should be renewed (an ISO-8601 instant). */
    public static final String RENEW_AT = "qmesh.io/bootstrap-renew-at";
    private static final Duration RETRY = Duration.ofSeconds(30);
    private static final Duration MAX_JITTER = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(BootstrapRenewal.class);

    private final KubernetesClient client;
    private final CaClient ca;
    private final Counter renewed;
    private final Counter failed;
    private final Map<String, ScheduledFuture<?>> due = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("bootstrap-renewal"));

    BootstrapRenewal(KubernetesClient client, CaClient ca, MeterRegistry registry) {
        this.client = client;
        this.ca = ca;
        this.renewed = renewals(registry, "renewed");
        this.failed = renewals(registry, "failed");
    }

    private static Counter renewals(MeterRegistry registry, String result) {
        return Counter.builder("qmesh.injector.bootstrap.renewals").tag("result", result)
                .description("Renewals of running pods' bootstrap certificates").register(registry);
    }

    void stop(@Observes ShutdownEvent event) {
        renewals.shutdownNow();
    }

    /** The bootstrap Secret's entries that hold a certificate: chain, key, trust bundle. */
    public static Map<String, String> certificateFiles(IssuedCertificate certificate) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(EnvoyBootstrap.CERTIFICATE_FILE, certificate.certificateChainPem());
        files.put(EnvoyBootstrap.KEY_FILE, certificate.privateKeyPem());
        files.put(EnvoyBootstrap.TRUST_BUNDLE_FILE, certificate.trustBundlePem());
        return files;
    }

    /**
     * Renews the pod's certificate when its Secret (as an API call just answered with it) says; at
     * once when it does not say (written by an injector before renewals) or says nonsense.
     */
    void track(Pod pod, Secret secret) {
        Instant at = renewAtOf(secret);
        schedule(new Proxy(pod), at == null ? Instant.now() : at);
    }

    /** The pod is gone: no more renewals. */
    void forget(Pod pod) {
        ScheduledFuture<?> next = due.remove(new Proxy(pod).key());
        if (next != null) {
            next.cancel(false);
        }
    }

    /**
     * Schedules the proxy's renewal at {@code at}, a little later at random: the injector's replicas
     * all watch every pod, and the first one due renews while the others find the Secret renewed.
     */
    private void schedule(Proxy proxy, Instant at) {
        long delay = Math.max(0, Duration.between(Instant.now(), at).toMillis());
        long jitter = ThreadLocalRandom.current().nextLong(Math.min(MAX_JITTER.toMillis(), delay / 100) + 1);
        ScheduledFuture<?> previous = due.put(proxy.key(),
                renewals.schedule(() -> renew(proxy), delay + jitter, TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    private void renew(Proxy proxy) {
        if (!due.containsKey(proxy.key())) {
            return;
        }
        var secret = client.secrets().inNamespace(proxy.namespace()).withName(proxy.secretName());
        try {
            // an empty merge patch answers with the Secret as it is: another replica may have renewed it already
            Instant renewedAt = renewAtOf(secret.patch(PatchContext.of(PatchType.JSON_MERGE), "{}"));
            if (renewedAt != null && renewedAt.isAfter(Instant.now())) {
                scheduleIfTracked(proxy, renewedAt);
                return;
            }
            IssuedCertificate certificate = ca.issueBootstrap(proxy.namespace(), proxy.serviceAccount(), proxy.nodeId());
            Instant next = certificate.renewAt(Instant.now());
            secret.patch(PatchContext.of(PatchType.JSON_MERGE), client.getKubernetesSerialization().asJson(Map.of(
                    "metadata", Map.of("annotations", Map.of(RENEW_AT, next.toString())),
                    "data", BootstrapSecrets.base64(certificateFiles(certificate)))));
            renewed.increment();
            LOG.infof("renewed bootstrap certificate of pod %s/%s serial=%s valid until %s, next renewal at %s", proxy.namespace(),
                    proxy.pod(), certificate.serialNumber(), certificate.notAfter(), next);
            scheduleIfTracked(proxy, next);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                due.remove(proxy.key());
                return; // the Secret went with its pod
            }
            retry(proxy, e.getMessage());
        } catch (CaClient.CaException e) {
            retry(proxy, e.getMessage());
        }
    }

    /** Not for a pod that went while its renewal ran. */
    private void scheduleIfTracked(Proxy proxy, Instant at) {
        if (due.containsKey(proxy.key())) {
            schedule(proxy, at);
        }
    }

    private static Instant renewAtOf(Secret secret) {
        String value = secret.getMetadata().getAnnotations() == null ? null : secret.getMetadata().getAnnotations().get(RENEW_AT);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private void retry(Proxy proxy, String why) {
        failed.increment();
        LOG.warnf("bootstrap certificate of pod %s/%s not renewed, retrying in %d s: %s", proxy.namespace(), proxy.pod(),
                RETRY.toSeconds(), why);
        scheduleIfTracked(proxy, Instant.now().plus(RETRY));
    }

    /** What a renewal needs of an injected pod. */
    private record Proxy(String namespace, String pod, String proxyUuid, String serviceAccount) {
        Proxy(Pod pod) {
            this(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), pod.getMetadata().getLabels().get(MeshLabels.PROXY_UUID),
                    PodInjector.serviceAccountOf(pod.getSpec()));
        }

        String key() {
            return namespace + "/" + proxyUuid;
        }

        String secretName() {
            return PodInjector.BOOTSTRAP_SECRET_PREFIX + proxyUuid;
        }

        String nodeId() {
            return BootstrapSpec.nodeId(proxyUuid, serviceAccount, namespace);
        }
    }
}
