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
import io.qmesh.runtime.DaemonThreads;
import io.qmesh.runtime.tls.KeyAndCsr;
import io.qmesh.xds.generate.WorkloadCertificate;
import io.qmesh.xds.serve.SecretStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The certificates xds-service holds, from cert-manager-svc (certs.v1), each from a fresh P-256 key
 * and an Issue call authenticated with xds-service's own ServiceAccount token:
 * <ul>
 * <li>the workload certificates it serves over SDS: for each identity with a proxy group,
 * Issue(CSR, WORKLOAD, service account), into the {@link SecretStore};</li>
 * <li>its own ADS serving certificate: Issue(CSR, SERVING, its Service's DNS names), to a listener.</li>
 * </ul>
 * Each is renewed at about 2/3 of its lifetime with jitter; failures are retried with backoff. The
 * trust bundle comes from WatchTrustBundle.
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
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ca-client"));
    /** gRPC callbacks on threads of this client (gRPC's shared default executor may outlive the application). */
    private final java.util.concurrent.ExecutorService callbacks = Executors.newFixedThreadPool(2, DaemonThreads.named("ca-client-grpc"));
    /** What a certificate is for: a workload identity, or xds-service's own serving names. */
    private interface Subject {
        /** How the certificate reads in logs. */
        String describe();

        /** The request without its CSR. */
        IssueRequest.Builder request();

        void deliver(WorkloadCertificate certificate);
    }

    private record Workload(Identity identity, SecretStore store) implements Subject {
        public String describe() {
            return "workload certificate identity=" + identity;
        }

        public IssueRequest.Builder request() {
            return IssueRequest.newBuilder().setKind(CertificateKind.WORKLOAD).setServiceAccount(
                    ServiceAccountIdentity.newBuilder().setNamespace(identity.namespace()).setName(identity.serviceAccount()));
        }

        public void deliver(WorkloadCertificate certificate) {
            store.putCertificate(identity, certificate);
        }
    }

    private record Serving(List<String> dnsNames, Consumer<WorkloadCertificate> listener) implements Subject {
        public String describe() {
            return "ADS serving certificate dns=" + String.join(",", dnsNames);
        }

        public IssueRequest.Builder request() {
            return IssueRequest.newBuilder().setKind(CertificateKind.SERVING).addAllDnsNames(dnsNames);
        }

        public void deliver(WorkloadCertificate certificate) {
            listener.accept(certificate);
        }
    }

    /** Subjects with an issuance scheduled or done, and their current retry delay. */
    private final Map<Subject, Long> tracked = new ConcurrentHashMap<>();
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
        tracked.keySet().removeIf(s -> s instanceof Workload w && !identities.contains(w.identity()));
        for (Identity id : identities) {
            track(new Workload(id, store));
        }
    }

    /** Obtains (and keeps renewing) a SERVING certificate for {@code dnsNames}, handing each one to {@code listener}. */
    public void serving(List<String> dnsNames, Consumer<WorkloadCertificate> listener) {
        track(new Serving(List.copyOf(dnsNames), listener));
    }

    private void track(Subject subject) {
        if (tracked.putIfAbsent(subject, MIN_RETRY.toMillis()) == null) {
            scheduler.execute(() -> issue(subject));
        }
    }

    private void issue(Subject subject) {
        if (closed || !tracked.containsKey(subject)) {
            return;
        }
        String what = subject.describe();
        KeyAndCsr key = KeyAndCsr.generate("xds-service");
        try {
            IssueResponse response = CertificateAuthorityGrpc.newBlockingStub(channel).withCallCredentials(bearer())
                    .withDeadlineAfter(10, TimeUnit.SECONDS).issue(subject.request().setCsrPem(key.csrPem()).build());
            Instant notBefore = instant(response.getNotBefore());
            Instant notAfter = instant(response.getNotAfter());
            subject.deliver(new WorkloadCertificate(response.getCertificateChainPem(), key.privateKeyPem(), notBefore, notAfter));
            if (!response.getTrustBundlePem().isEmpty() && store.trustBundle().isEmpty()) {
                store.putTrustBundle(response.getTrustBundlePem());
            }
            // replace, not put: a subject dropped while this call was in flight stays dropped
            tracked.replace(subject, MIN_RETRY.toMillis());
            Instant renewAt = Renewal.at(notBefore, notAfter, ThreadLocalRandom.current().nextDouble());
            long delay = Math.max(0, Duration.between(clock.instant(), renewAt).toMillis());
            LOG.infof("%s serial=%s not_after=%s renew_in=%d ms", what, response.getSerialNumber(), notAfter, delay);
            scheduler.schedule(() -> issue(subject), delay, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            long retry = tracked.getOrDefault(subject, MIN_RETRY.toMillis());
            tracked.computeIfPresent(subject, (k, v) -> Math.min(v * 2, MAX_RETRY.toMillis()));
            LOG.warnf("issuing %s failed: %s; retrying in %d ms", what, Status.fromThrowable(e), retry);
            scheduler.schedule(() -> issue(subject), retry, TimeUnit.MILLISECONDS);
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
