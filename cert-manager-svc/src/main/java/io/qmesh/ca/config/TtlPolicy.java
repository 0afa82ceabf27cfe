package io.qmesh.ca.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.qmesh.api.crd.config.MeshConfig;
import io.qmesh.ca.issue.GoDuration;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The longest leaf lifetime: MeshConfig {@code spec.certificate.serviceCertValidityDuration} when set
 * and valid, else {@code qmesh.ca.leaf.default-ttl} (24 h). Follows the MeshConfig through an informer.
 */
@ApplicationScoped
public class TtlPolicy {

    private static final Logger LOG = Logger.getLogger(TtlPolicy.class);

    private final KubernetesClient client;
    private final CaConfig config;
    private final AtomicReference<Duration> maximum;
    private SharedIndexInformer<MeshConfig> informer;

    TtlPolicy(KubernetesClient client, CaConfig config) {
        this.client = client;
        this.config = config;
        this.maximum = new AtomicReference<>(config.leaf().defaultTtl());
    }

    public synchronized void start() {
        if (informer != null) {
            return;
        }
        try {
            informer = client.resources(MeshConfig.class).inNamespace(config.namespace())
                    .withName(config.leaf().meshConfig()).inform(new Follow(), 0);
        } catch (RuntimeException e) {
            LOG.warnf("cannot watch meshconfig=%s/%s, leaf TTL stays %s: %s", config.namespace(),
                    config.leaf().meshConfig(), maximum.get(), e.getMessage());
        }
    }

    public Duration maximum() {
        return maximum.get();
    }

    void apply(MeshConfig meshConfig) {
        String name = "meshconfig=" + config.namespace() + "/" + config.leaf().meshConfig();
        String value = meshConfig == null || meshConfig.getSpec() == null || meshConfig.getSpec().certificate == null
                ? null : meshConfig.getSpec().certificate.serviceCertValidityDuration;
        Duration next = config.leaf().defaultTtl();
        if (value != null) {
            try {
                next = GoDuration.parse(value);
            } catch (IllegalArgumentException e) {
                LOG.errorf("%s field spec.certificate.serviceCertValidityDuration: %s; using %s", name, e.getMessage(), next);
            }
        }
        if (!next.equals(maximum.getAndSet(next))) {
            LOG.infof("%s leaf TTL maximum now %s", name, next);
        }
    }

    @PreDestroy
    void stop() {
        if (informer != null) {
            informer.close();
        }
    }

    private final class Follow implements ResourceEventHandler<MeshConfig> {
        @Override
        public void onAdd(MeshConfig meshConfig) {
            apply(meshConfig);
        }

        @Override
        public void onUpdate(MeshConfig old, MeshConfig meshConfig) {
            apply(meshConfig);
        }

        @Override
        public void onDelete(MeshConfig meshConfig, boolean unknownFinalState) {
            apply(null);
        }
    }
}
