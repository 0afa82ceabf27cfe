package io.qmesh.ca.root;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.qmesh.ca.config.CaConfig;
import io.qmesh.ca.root.RootSecretStore.Stored;
import io.qmesh.ca.trust.Bundle;
import io.qmesh.ca.trust.RootSet;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Holds the mesh roots read from (or created in) the root Secret and follows that Secret, so a
 * rotation step taken by any replica reaches every replica. Until the first load succeeds it is not
 * ready and retries every few seconds.
 */
@ApplicationScoped
public class RootAuthority {

    public static final String EXPIRY_METRIC = "qmesh_ca_root_expiry_timestamp_seconds";

    private static final Logger LOG = Logger.getLogger(RootAuthority.class);

    private final KubernetesClient client;
    private final CaConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final AtomicReference<Stored> current = new AtomicReference<>();
    private Gauge expiryGauge;
    private final AtomicReference<String> lastError = new AtomicReference<>("not loaded yet");
    private final List<Consumer<Bundle>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            runnable -> new Thread(runnable, "ca-root-load"));
    private RootSecretStore store;
    private SharedIndexInformer<Secret> informer;

    RootAuthority(KubernetesClient client, CaConfig config, Clock clock, MeterRegistry registry) {
        this.client = client;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
    }

    /** Starts loading (or creating) the root; called once at startup when the built-in signer is selected. */
    public synchronized void start() {
        if (store != null) {
            return;
        }
        store = new RootSecretStore(client, config.namespace(), config.root().secret());
        expiryGauge = Gauge.builder(EXPIRY_METRIC, this, authority -> authority.current()
                        .map(set -> set.issuing().certificate().getNotAfter().getTime() / 1000.0).orElse(Double.NaN))
                .description("notAfter of the mesh root that currently signs, Unix seconds")
                .register(registry);
        retries.execute(this::load);
    }

    private void load() {
        RootFactory factory = new RootFactory(config.root().organization(), config.root().validity(), new SecureRandom());
        try {
            Stored stored = store.loadOrCreate(() -> RootSet.of(factory.issuing(clock.instant())), clock.instant());
            accept(stored);
            informer = client.secrets().inNamespace(config.namespace()).withName(config.root().secret())
                    .inform(new Follow(), 0);
        } catch (RuntimeException e) {
            lastError.set(store.describe() + ": " + e.getMessage());
            LOG.warnf("cannot load mesh root %s, retrying in 5s: %s", store.describe(), e.getMessage());
            retries.schedule(this::load, 5, TimeUnit.SECONDS);
        }
    }

    public RootSecretStore store() {
        return store;
    }

    public Optional<RootSet> current() {
        return Optional.ofNullable(current.get()).map(Stored::roots);
    }

    public Optional<Stored> stored() {
        return Optional.ofNullable(current.get());
    }

    /** Why there is no root yet, or empty when loaded. */
    public Optional<String> notReady() {
        return current.get() != null ? Optional.empty() : Optional.of(lastError.get());
    }

    public void onBundleChange(Consumer<Bundle> listener) {
        listeners.add(listener);
    }

    /** Takes a newer stored state (from this replica's write or the Secret's watch); tells listeners if the bundle changed. */
    public void accept(Stored next) {
        Stored previous = current.getAndUpdate(old -> old == null || !old.resourceVersion().equals(next.resourceVersion())
                ? next : old);
        if (previous != null && previous.resourceVersion().equals(next.resourceVersion())) {
            return;
        }
        RootSet roots = next.roots();
        if (previous == null || !previous.roots().version().equals(roots.version())
                || !previous.roots().issuing().serialHex().equals(roots.issuing().serialHex())) {
            LOG.infof("mesh roots %s phase=%s issuing=%s bundle=%s", store.describe(), roots.phase(),
                    roots.issuing().serialHex(), roots.version().substring(0, 12));
            Bundle bundle = Bundle.of(roots);
            listeners.forEach(listener -> listener.accept(bundle));
        }
    }

    @PreDestroy
    void stop() {
        // the registry can outlive this bean (Quarkus tests restart the app in one JVM): a gauge left
        // behind would keep answering from this instance, NaN once it is collected
        if (expiryGauge != null) {
            registry.remove(expiryGauge);
        }
        retries.shutdownNow();
        if (informer != null) {
            informer.close();
        }
    }

    private final class Follow implements ResourceEventHandler<Secret> {
        @Override
        public void onAdd(Secret secret) {
            onUpdate(null, secret);
        }

        @Override
        public void onUpdate(Secret old, Secret secret) {
            try {
                accept(store.decode(secret, clock.instant()));
            } catch (IllegalArgumentException e) {
                LOG.errorf("ignoring unreadable root Secret, keeping the roots held: %s", e.getMessage());
            }
        }

        @Override
        public void onDelete(Secret secret, boolean unknownFinalState) {
            LOG.errorf("root Secret %s was deleted; this replica keeps signing with the roots it holds and "
                    + "restarts will create a NEW root unless the Secret is restored", store.describe());
        }
    }
}
