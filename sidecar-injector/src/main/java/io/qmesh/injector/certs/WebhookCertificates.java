package io.qmesh.injector.certs;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.qmesh.injector.InjectorConfig;
import io.qmesh.runtime.DaemonThreads;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The webhook's serving certificate (WEBHOOK kind, the Service's DNS names) from cert-manager-svc:
 * issued on start, renewed at two thirds of its lifetime (retried every few seconds while the CA
 * does not answer), handed to listeners (the HTTPS server reloads it without a restart), and its
 * trust bundle written into the MutatingWebhookConfiguration's caBundle.
 */
@ApplicationScoped
public class WebhookCertificates {

    private static final Logger LOG = Logger.getLogger(WebhookCertificates.class);
    static final Duration RETRY = Duration.ofSeconds(5);

    private final CaClient ca;
    private final KubernetesClient client;
    private final InjectorConfig config;
    /** Its own thread: renewal must not queue behind admissions on a busy worker pool. */
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("webhook-certificate-renewal"));
    private final List<Consumer<IssuedCertificate>> listeners = new CopyOnWriteArrayList<>();
    private volatile IssuedCertificate current;

    public WebhookCertificates(CaClient ca, KubernetesClient client, InjectorConfig config) {
        this.ca = ca;
        this.client = client;
        this.config = config;
    }

    public List<String> dnsNames() {
        String svc = config.webhook().serviceName();
        String ns = config.controlPlaneNamespace();
        // the names the API server may use; not the bare service name, which names no namespace (the CA refuses it)
        return List.of(svc + "." + ns + ".svc", svc + "." + ns, svc + "." + ns + ".svc.cluster.local");
    }

    public IssuedCertificate current() {
        return current;
    }

    /** Calls {@code listener} with every certificate from now on (and the current one, if any). */
    public void onCertificate(Consumer<IssuedCertificate> listener) {
        listeners.add(listener);
        IssuedCertificate cert = current;
        if (cert != null) {
            listener.accept(cert);
        }
    }

    /** Issues the first certificate on the renewal thread, then keeps renewing. */
    public void start() {
        renewals.execute(this::renewNow);
    }

    /** Issues now (blocking); on failure retries later. */
    void renewNow() {
        try {
            IssuedCertificate cert = ca.issueWebhook(dnsNames());
            current = cert;
            LOG.infof("webhook certificate serial=%s for %s valid until %s, renewal at %s", cert.serialNumber(),
                    dnsNames().get(0), cert.notAfter(), cert.renewAt());
            listeners.forEach(l -> l.accept(cert));
            publishCaBundle(cert.trustBundlePem());
            schedule(Duration.between(Instant.now(), cert.renewAt()));
        } catch (CaClient.CaException e) {
            LOG.warnf("webhook certificate for %s not issued, retrying in %ss: %s", dnsNames().get(0),
                    RETRY.toSeconds(), e.getMessage());
            schedule(RETRY);
        }
    }

    private void schedule(Duration delay) {
        renewals.schedule(this::renewNow, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    public void stop() {
        renewals.shutdownNow();
    }

    /** Sets caBundle on every webhook of the MutatingWebhookConfiguration; logs when it does not exist yet. */
    public void publishCaBundle(String trustBundlePem) {
        String name = config.webhook().configurationName();
        String bundle = Base64.getEncoder().encodeToString(trustBundlePem.getBytes(StandardCharsets.UTF_8));
        try {
            var resource = client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name);
            if (resource.get() == null) {
                LOG.warnf("mutatingwebhookconfiguration=%s not found: caBundle not set (apply k8s/ to create it)", name);
                return;
            }
            resource.edit(mwc -> {
                for (MutatingWebhook webhook : mwc.getWebhooks()) {
                    webhook.getClientConfig().setCaBundle(bundle);
                }
                return mwc;
            });
            LOG.infof("mutatingwebhookconfiguration=%s caBundle set", name);
        } catch (KubernetesClientException e) {
            LOG.warnf("mutatingwebhookconfiguration=%s caBundle not set: %s", name, e.getMessage());
        }
    }
}
