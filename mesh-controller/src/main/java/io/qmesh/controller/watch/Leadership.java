package io.qmesh.controller.watch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Leader election over a {@code coordination.k8s.io} Lease in the control-plane namespace. Only the
 * leader writes status; every replica compiles and serves Watch streams.
 */
final class Leadership {

    private static final Logger LOG = Logger.getLogger(Leadership.class);

    private final String identity;
    private final String lease;
    private volatile boolean leader;
    private volatile boolean stopped;
    private volatile CompletableFuture<?> running;

    Leadership(String identity, String lease) {
        this.identity = identity;
        this.lease = lease;
    }

    boolean isLeader() {
        return leader;
    }

    String identity() {
        return identity;
    }

    void start(KubernetesClient client, String namespace, Duration leaseDuration, Runnable onElected) {
        Duration renew = leaseDuration.multipliedBy(2).dividedBy(3);
        LeaderElectionConfig config = new LeaderElectionConfigBuilder()
                .withName(lease)
                .withLock(new LeaseLock(namespace, lease, identity))
                .withLeaseDuration(leaseDuration)
                .withRenewDeadline(renew)
                .withRetryPeriod(Duration.ofMillis(Math.max(200, leaseDuration.toMillis() / 8)))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            leader = true;
                            LOG.infof("lease=%s/%s identity=%s elected: writing status", namespace, lease, identity);
                            onElected.run();
                        },
                        () -> {
                            leader = false;
                            LOG.infof("lease=%s/%s identity=%s no longer leader", namespace, lease, identity);
                        },
                        newLeader -> LOG.infof("lease=%s/%s leader is %s", namespace, lease, newLeader)))
                .build();
        contend(client, config, namespace);
    }

    /** fabric8's elector finishes when leadership is lost; this replica then stands again, as a follower until it wins. */
    private void contend(KubernetesClient client, LeaderElectionConfig config, String namespace) {
        if (stopped) {
            return;
        }
        // A fresh elector each round: one that has finished does not start again.
        LeaderElector elector = client.leaderElector().withConfig(config).build();
        CompletableFuture<?> attempt;
        try {
            attempt = elector.start();
        } catch (RuntimeException e) {
            LOG.warnf(e, "lease=%s/%s identity=%s election did not start; retrying", namespace, lease, identity);
            attempt = CompletableFuture.failedFuture(e);
        }
        running = attempt;
        attempt.whenComplete((ok, error) -> {
            leader = false;
            if (!stopped) {
                LOG.infof("lease=%s/%s identity=%s standing for election again", namespace, lease, identity);
                CompletableFuture.runAsync(() -> contend(client, config, namespace),
                        CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS));
            }
        });
    }

    void stop() {
        stopped = true;
        leader = false;
        if (running != null) {
            running.cancel(true);
        }
    }
}
