package io.qmesh.injector.certs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.qmesh.injector.InjectorConfig;
import io.qmesh.runtime.DaemonThreads;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * BOOTSTRAP certificates for injected pods, one per pod, issued ahead of the admission that needs
 * them. Once a pod of a ServiceAccount is admitted, a few more certificates for that ServiceAccount
 * (fresh keys each) are issued in the background, so the next pods of the same Deployment are admitted
 * without waiting for the CA. A certificate is handed out once and only within {@link #MAX_AGE} of its
 * issue and a third of its lifetime; the first pod of a ServiceAccount, and pods arriving faster than
 * the CA refills, wait for the CA as before. ServiceAccounts without a pod for {@link #IDLE} are forgotten.
 * {@code qmesh.injector.ca.bootstrap-prefetch=0} turns prefetching off.
 */
@ApplicationScoped
public class BootstrapCertificates {

    private static final Logger LOG = Logger.getLogger(BootstrapCertificates.class);
    static final Duration MAX_AGE = Duration.ofMinutes(5);
    static final Duration IDLE = Duration.ofMinutes(10);

    private record Account(String namespace, String serviceAccount) {
    }

    private record Prefetched(IssuedCertificate certificate, Instant issued) {
        /** Within {@link #MAX_AGE} of its issue, and with two thirds of its life still ahead (short-lived certificates). */
        boolean freshAt(Instant now) {
            Duration age = Duration.between(issued, now);
            return age.compareTo(MAX_AGE) < 0 && age.multipliedBy(3).compareTo(Duration.between(issued, certificate.notAfter())) < 0;
        }
    }

    private final class Pool {
        final Account account;
        final ConcurrentLinkedDeque<Prefetched> ready = new ConcurrentLinkedDeque<>();
        final AtomicBoolean refilling = new AtomicBoolean();
        volatile Instant lastUsed;

        Pool(Account account, Instant now) {
            this.account = account;
            this.lastUsed = now;
        }

        IssuedCertificate takeFresh(Instant now) {
            for (Prefetched p = ready.pollFirst(); p != null; p = ready.pollFirst()) {
                if (p.freshAt(now)) {
                    return p.certificate();
                }
            }
            return null;
        }
    }

    private final CaClient ca;
    private final int size;
    private final Clock clock;
    private final Map<Account, Pool> pools = new ConcurrentHashMap<>();
    private final ScheduledExecutorService prefetch = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bootstrap-prefetch"));
    private final Counter prefetched;
    private final Counter onDemand;

    @Inject
    public BootstrapCertificates(CaClient ca, InjectorConfig config, MeterRegistry registry) {
        this(ca, config.ca().bootstrapPrefetch(), Clock.systemUTC(), registry);
    }

    BootstrapCertificates(CaClient ca, int size, Clock clock, MeterRegistry registry) {
        this.ca = ca;
        this.size = size;
        this.clock = clock;
        String help = "BOOTSTRAP certificates handed to admitted pods, by whether they were issued ahead of the admission";
        this.prefetched = Counter.builder("qmesh_injector_bootstrap_certificates_total").description(help)
                .tag("source", "prefetched").register(registry);
        this.onDemand = Counter.builder("qmesh_injector_bootstrap_certificates_total").description(help)
                .tag("source", "on_demand").register(registry);
        prefetch.scheduleWithFixedDelay(this::forgetIdle, 1, 1, TimeUnit.MINUTES);
    }

    /** A certificate for a new pod of this ServiceAccount: a prefetched one if fresh, else one issued now. */
    public IssuedCertificate take(String namespace, String serviceAccount, String proxyId) throws CaClient.CaException {
        if (size <= 0) {
            onDemand.increment();
            return ca.issueBootstrap(namespace, serviceAccount, proxyId);
        }
        Instant now = clock.instant();
        Pool pool = pools.computeIfAbsent(new Account(namespace, serviceAccount), account -> new Pool(account, now));
        pool.lastUsed = now;
        IssuedCertificate cert = pool.takeFresh(now);
        refill(pool);
        if (cert != null) {
            prefetched.increment();
            return cert;
        }
        onDemand.increment();
        return ca.issueBootstrap(namespace, serviceAccount, proxyId);
    }

    private void refill(Pool pool) {
        if (!pool.refilling.compareAndSet(false, true)) {
            return;
        }
        prefetch.execute(() -> {
            try {
                while (pool.ready.size() < size && pools.get(pool.account) == pool) {
                    IssuedCertificate cert = ca.issueBootstrap(pool.account.namespace(), pool.account.serviceAccount(),
                            "prefetch." + pool.account.serviceAccount() + "." + pool.account.namespace());
                    pool.ready.addLast(new Prefetched(cert, clock.instant()));
                }
            } catch (CaClient.CaException | RuntimeException e) {
                // the next admission issues on demand (and says why if the CA is really down)
                LOG.warnf("prefetching bootstrap certificates for %s/%s stopped: %s", pool.account.namespace(),
                        pool.account.serviceAccount(), e.getMessage());
            } finally {
                pool.refilling.set(false);
            }
        });
    }

    private void forgetIdle() {
        Instant now = clock.instant();
        pools.values().removeIf(p -> Duration.between(p.lastUsed, now).compareTo(IDLE) > 0);
    }

    /** Certificates ready for this ServiceAccount's next pods. */
    int ready(String namespace, String serviceAccount) {
        Pool pool = pools.get(new Account(namespace, serviceAccount));
        return pool == null ? 0 : pool.ready.size();
    }

    @PreDestroy
    void close() {
        prefetch.shutdownNow();
    }
}
