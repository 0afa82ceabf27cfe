package io.qmesh.xds.certs;

import com.google.protobuf.Timestamp;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qmesh.api.Identity;
import io.qmesh.api.certs.v1.CertificateAuthorityGrpc;
import io.qmesh.api.certs.v1.CertificateKind;
import io.qmesh.api.certs.v1.IssueRequest;
import io.qmesh.api.certs.v1.IssueResponse;
import io.qmesh.api.certs.v1.ServiceAccountIdentity;
import io.qmesh.api.certs.v1.TrustBundle;
import io.qmesh.api.certs.v1.WatchTrustBundleRequest;
import io.qmesh.xds.generate.WorkloadCertificate;
import io.qmesh.xds.serve.SecretStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The workload certificates xds-service serves over SDS, from cert-manager-svc (certs.v1): for each
 * identity with a proxy group, a fresh P-256 key and an Issue(CSR, WORKLOAD, service account) call
 * authenticated with xds-service's own ServiceAccount token; renewal at about 2/3 of the lifetime
 * with jitter; failures retried with backoff. The trust bundle comes from WatchTrustBundle.
 */
public class CertificateAuthorityClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CertificateAuthorityClient.class);
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Duration MIN_RETRY = Duration.ofMillis(500);
    static final Duration MAX_RETRY = Duration.ofSeconds(60);

    private final SecretStore store;
    private final ManagedChannel channel;
    private final Path tokenFile;
    private final Clock clock;
    private final String subscriber;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ca-client");
        t.setDaemon(true);
        return t;
    });
    /** gRPC callbacks on threads of this client (gRPC's shared default executor may outlive the application). */
    private final java.util.concurrent.ExecutorService callbacks = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "ca-client-grpc");
        t.setDaemon(true);
        return t;
    });
    /** Identities with an issuance scheduled or done, and their current retry delay. */
    private final Map<Identity, Long> tracked = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private long bundleRetryMillis = MIN_RETRY.toMillis();

    public CertificateAuthorityClient(SecretStore store, String address, Path tokenFile, Clock clock, String subscriber) {
        this.store = store;
        this.channel = ManagedChannelBuilder.forTarget(address).usePlaintext().executor(callbacks).build();
        this.tokenFile = tokenFile;
        this.clock = clock;
        this.subscriber = subscriber;
    }

    public void start() {
        scheduler.execute(this::watchTrustBundle);
    }

    /** Makes sure every identity has (or is getting) a certificate; identities no longer used are dropped. */
    public void ensure(Set<Identity> identities) {
        tracked.keySet().removeIf(id -> !identities.contains(id));
        for (Identity id : identities) {
            if (tracked.putIfAbsent(id, MIN_RETRY.toMillis()) == null) {
                scheduler.execute(() -> issue(id));
            }
        }
    }

    private void issue(Identity id) {
        if (closed || !tracked.containsKey(id)) {
            return;
        }
        WorkloadKeys.KeyAndCsr key = WorkloadKeys.generate(id.serviceAccount() + "." + id.namespace());
        IssueRequest request = IssueRequest.newBuilder().setCsrPem(key.csrPem()).setKind(CertificateKind.WORKLOAD)
                .setServiceAccount(ServiceAccountIdentity.newBuilder().setNamespace(id.namespace()).setName(id.serviceAccount()))
                .build();
        try {
            IssueResponse response = CertificateAuthorityGrpc.newBlockingStub(channel)
                    .withCallCredentials(bearer()).withDeadlineAfter(10, TimeUnit.SECONDS).issue(request);
            Instant notBefore = instant(response.getNotBefore());
            Instant notAfter = instant(response.getNotAfter());
            store.putCertificate(id, new WorkloadCertificate(response.getCertificateChainPem(), key.privateKeyPem(),
                    notBefore, notAfter));
            if (!response.getTrustBundlePem().isEmpty() && store.trustBundle().isEmpty()) {
                store.putTrustBundle(response.getTrustBundlePem());
            }
            tracked.put(id, MIN_RETRY.toMillis());
            Instant renewAt = Renewal.at(notBefore, notAfter, ThreadLocalRandom.current().nextDouble());
            long delay = Math.max(0, Duration.between(clock.instant(), renewAt).toMillis());
            LOG.infof("workload certificate identity=%s serial=%s not_after=%s renew_in=%d ms", id,
                    response.getSerialNumber(), notAfter, delay);
            scheduler.schedule(() -> issue(id), delay, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            long retry = tracked.getOrDefault(id, MIN_RETRY.toMillis());
            tracked.computeIfPresent(id, (k, v) -> Math.min(v * 2, MAX_RETRY.toMillis()));
            LOG.warnf("issuing workload certificate failed identity=%s: %s; retrying in %d ms", id,
                    Status.fromThrowable(e), retry);
            scheduler.schedule(() -> issue(id), retry, TimeUnit.MILLISECONDS);
        }
    }

    private void watchTrustBundle() {
        if (closed) {
            return;
        }
        CertificateAuthorityGrpc.newStub(channel).withCallCredentials(bearer()).watchTrustBundle(
                WatchTrustBundleRequest.newBuilder().setSubscriber(subscriber).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(TrustBundle bundle) {
                        bundleRetryMillis = MIN_RETRY.toMillis();
                        LOG.infof("trust bundle version=%s roots=%d", bundle.getVersion(), bundle.getRootsCount());
                        store.putTrustBundle(bundle.getBundlePem());
                    }

                    @Override
                    public void onError(Throwable t) {
                        rewatch(Status.fromThrowable(t).toString());
                    }

                    @Override
                    public void onCompleted() {
                        rewatch("completed by the CA");
                    }
                });
    }

    private void rewatch(String why) {
        if (closed) {
            return;
        }
        long delay = bundleRetryMillis;
        bundleRetryMillis = Math.min(bundleRetryMillis * 2, MAX_RETRY.toMillis());
        LOG.warnf("trust bundle stream ended (%s); keeping the current bundle, rewatching in %d ms", why, delay);
        scheduler.schedule(this::watchTrustBundle, delay, TimeUnit.MILLISECONDS);
    }

    /** {@code authorization: Bearer <token>}, the token read from its file on every call (it is rotated). */
    private CallCredentials bearer() {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                try {
                    Metadata headers = new Metadata();
                    headers.put(AUTHORIZATION, "Bearer " + Files.readString(tokenFile).trim());
                    applier.apply(headers);
                } catch (IOException e) {
                    applier.fail(Status.UNAUTHENTICATED.withDescription("cannot read ServiceAccount token " + tokenFile)
                            .withCause(e));
                }
            }
        };
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        channel.shutdownNow();
        callbacks.shutdownNow();
    }
}
