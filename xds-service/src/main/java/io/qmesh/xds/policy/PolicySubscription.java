package io.qmesh.xds.policy;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.qmesh.api.mesh.PolicyDelta;
import io.qmesh.api.mesh.PolicyVersion;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshPolicyServiceGrpc;
import io.qmesh.api.mesh.v1.MeshPolicyUpdate;
import io.qmesh.api.mesh.v1.WatchRequest;
import io.qmesh.runtime.DaemonThreads;
import io.qmesh.xds.serve.XdsServer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Subscribes to mesh-controller's {@code mesh.v1.MeshPolicyService/Watch}: resumes from the last
 * version it holds, applies full and delta updates (checking each update's content hash and the
 * resulting version; a mismatch resubscribes for a full policy), and reconnects with exponential
 * backoff and jitter. While the controller is away the last policy keeps being served.
 */
@ApplicationScoped
public class PolicySubscription {

    private static final Logger LOG = Logger.getLogger(PolicySubscription.class);
    static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final XdsServer server;
    private final PolicyHolder holder;
    private final String address;
    private final boolean enabled;
    private final String subscriber;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("policy-subscription"));
    private ManagedChannel channel;
    private volatile boolean stopped;
    private long backoffMillis = MIN_BACKOFF.toMillis();
    /** Confined to the gRPC callback thread of the current stream, then to the scheduler. */
    private volatile MeshPolicy current;
    private volatile String currentVersion = "";

    PolicySubscription(XdsServer server, PolicyHolder holder,
            @ConfigProperty(name = "qmesh.xds.controller.address", defaultValue = "mesh-controller.qmesh-system.svc:15130") String address,
            @ConfigProperty(name = "qmesh.xds.controller.enabled", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "xds-service") String application,
            @ConfigProperty(name = "HOSTNAME", defaultValue = "local") String pod) {
        this.server = server;
        this.holder = holder;
        this.address = address;
        this.enabled = enabled;
        this.subscriber = application + "/" + pod;
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.infof("policy subscription disabled (qmesh.xds.controller.enabled=false)");
            return;
        }
        // callbacks on our own thread: gRPC's shared default executor may outlive this application
        channel = ManagedChannelBuilder.forTarget(address).usePlaintext().executor(scheduler).build();
        scheduler.execute(this::subscribe);
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        scheduler.shutdownNow();
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        WatchRequest request = WatchRequest.newBuilder().setSubscriber(subscriber).setLastVersion(currentVersion).build();
        LOG.infof("watching mesh policy controller=%s last_version=%s", address, currentVersion);
        MeshPolicyServiceGrpc.newStub(channel).watch(request, new ClientResponseObserver<WatchRequest, MeshPolicyUpdate>() {
            private ClientCallStreamObserver<WatchRequest> call;

            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                call = requestStream;
            }

            @Override
            public void onNext(MeshPolicyUpdate update) {
                String problem = receive(update);
                if (problem != null) {
                    LOG.warnf("discarding mesh policy update version=%s: %s; resubscribing for a full policy",
                            update.getVersion(), problem);
                    currentVersion = "";
                    call.cancel("resubscribing for a full policy", null);
                    return;
                }
                backoffMillis = MIN_BACKOFF.toMillis();
            }

            @Override
            public void onError(Throwable t) {
                reconnect(Status.fromThrowable(t).toString());
            }

            @Override
            public void onCompleted() {
                reconnect("stream completed by the controller");
            }
        });
    }

    /** Applies one update; returns why it was rejected, or null. */
    String receive(MeshPolicyUpdate update) {
        MeshPolicy next;
        switch (update.getPayloadCase()) {
            case FULL -> {
                if (!update.getContentHash().isEmpty()
                        && !update.getContentHash().equals(PolicyVersion.contentHash(update.getFull()))) {
                    return "content hash does not match the full policy";
                }
                next = update.getFull();
            }
            case DELTA -> {
                if (!update.getContentHash().isEmpty()
                        && !update.getContentHash().equals(PolicyVersion.contentHash(update.getDelta()))) {
                    return "content hash does not match the delta";
                }
                if (current == null || !update.getDelta().getBaseVersion().equals(currentVersion)) {
                    return "delta from " + update.getDelta().getBaseVersion() + " but holding " + currentVersion;
                }
                try {
                    next = PolicyDelta.apply(current, update.getDelta());
                } catch (IllegalArgumentException e) {
                    return "delta cannot be applied: " + e.getMessage();
                }
            }
            default -> {
                return "update without payload";
            }
        }
        String version = PolicyVersion.of(next);
        if (!update.getVersion().isEmpty() && !version.equals(update.getVersion())) {
            return "resulting policy has version " + version;
        }
        current = next;
        currentVersion = update.getVersion().isEmpty() ? version : update.getVersion();
        server.apply(currentVersion, next);
        return null;
    }

    private void reconnect(String why) {
        if (stopped) {
            return;
        }
        long delay = ThreadLocalRandom.current().nextLong(backoffMillis / 2, backoffMillis + 1);
        LOG.warnf("mesh policy stream from controller=%s ended (%s); serving policy=%s, reconnecting in %d ms",
                address, why, holder.current().map(PolicyHolder.Held::version).orElse("none"), delay);
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
        scheduler.schedule(this::subscribe, delay, TimeUnit.MILLISECONDS);
    }
}
