package io.qmesh.ca.grpc;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.qmesh.api.certs.v1.CertificateAuthorityGrpc;
import io.qmesh.api.certs.v1.IssueRequest;
import io.qmesh.api.certs.v1.IssueResponse;
import io.qmesh.api.certs.v1.TrustBundle;
import io.qmesh.api.certs.v1.WatchTrustBundleRequest;
import io.qmesh.ca.CaMetrics;
import io.qmesh.ca.Issuance;
import io.qmesh.ca.auth.BearerTokenInterceptor;
import io.qmesh.ca.auth.TokenReviewAuthenticator;
import io.qmesh.ca.sign.Signer;
import io.qmesh.ca.trust.Bundle;
import io.qmesh.runtime.DaemonThreads;
import io.quarkus.grpc.GrpcService;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * certs.v1 CertificateAuthority over gRPC. Signing and TokenReview block, so calls leave the event
 * loop for a bounded pool sized to the cores; the gRPC context (with the caller's token) goes along.
 */
@GrpcService
public class CertificateAuthorityService extends CertificateAuthorityGrpc.CertificateAuthorityImplBase {

    private static final Logger LOG = Logger.getLogger(CertificateAuthorityService.class);

    private final Issuance issuance;
    private final Signer signer;
    private final CaMetrics metrics;
    private final ExecutorService workers;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();

    CertificateAuthorityService(Issuance issuance, Signer signer, CaMetrics metrics) {
        this.issuance = issuance;
        this.signer = signer;
        this.metrics = metrics;
        this.workers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                DaemonThreads.numbered("ca-issue"));
        signer.onBundleChange(this::publish);
    }

    @Override
    public void issue(IssueRequest request, StreamObserver<IssueResponse> response) {
        long arrived = System.nanoTime();
        String token = BearerTokenInterceptor.TOKEN.get();
        workers.execute(Context.current().wrap(() -> {
            if (Context.current().isCancelled()) {
                // the caller's deadline passed, or it went away, while the call waited for a worker: in a
                // burst, signing for callers that no longer wait would only make every later caller wait longer
                metrics.abandoned();
                LOG.debugf("issue abandoned by its caller before a worker took it kind=%s subject=%s/%s", request.getKind(),
                        request.getServiceAccount().getNamespace(), request.getServiceAccount().getName());
                return;
            }
            try {
                answer(request, token, response);
            } finally {
                metrics.took(Duration.ofNanos(System.nanoTime() - arrived));
            }
        }));
    }

    private void answer(IssueRequest request, String token, StreamObserver<IssueResponse> response) {
        Issuance.Request parsed;
        try {
            parsed = Protos.request(request, token);
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("invalid_request: " + e.getMessage()).asRuntimeException());
            return;
        }
        Issuance.Outcome outcome;
        try {
            outcome = issuance.issue(parsed);
        } catch (RuntimeException e) {
            LOG.errorf(e, "issue failed kind=%s subject=%s/%s", request.getKind(),
                    request.getServiceAccount().getNamespace(), request.getServiceAccount().getName());
            response.onError(Status.INTERNAL.withDescription("internal error: " + e).asRuntimeException());
            return;
        }
        if (outcome.refusal() != null) {
            response.onError(Protos.status(outcome.refusal()).asRuntimeException());
            return;
        }
        response.onNext(Protos.response(outcome));
        response.onCompleted();
    }

    @Override
    public void watchTrustBundle(WatchTrustBundleRequest request, StreamObserver<TrustBundle> response) {
        String token = BearerTokenInterceptor.TOKEN.get();
        ServerCallStreamObserver<TrustBundle> stream = (ServerCallStreamObserver<TrustBundle>) response;
        Subscriber subscriber = new Subscriber("subscriber=" + request.getSubscriber(), stream);
        // gRPC accepts the cancel handler only while this method runs, not later on a worker
        stream.setOnCancelHandler(() -> subscribers.remove(subscriber));
        workers.execute(Context.current().wrap(() -> {
            TokenReviewAuthenticator.Result who = issuance.authenticate(token);
            if (who.refusal() != null) {
                stream.onError(Protos.status(who.refusal()).asRuntimeException());
                return;
            }
            subscribers.add(subscriber);
            if (stream.isCancelled()) {
                subscribers.remove(subscriber);
                return;
            }
            subscriber.send(signer.bundle());
            LOG.infof("trust bundle watch opened caller=%s %s", who.caller(), subscriber.name);
        }));
    }

    private void publish(Bundle bundle) {
        subscribers.forEach(subscriber -> subscriber.send(bundle));
    }

    @PreDestroy
    void stop() {
        subscribers.forEach(subscriber -> subscriber.close());
        workers.shutdownNow();
    }

    private static final class Subscriber {
        private final String name;
        private final ServerCallStreamObserver<TrustBundle> stream;
        private String lastVersion;

        Subscriber(String name, ServerCallStreamObserver<TrustBundle> stream) {
            this.name = name;
            this.stream = stream;
        }

        synchronized void send(Bundle bundle) {
            if (stream.isCancelled() || bundle.roots().isEmpty() || bundle.version().equals(lastVersion)) {
                return;
            }
            lastVersion = bundle.version();
            stream.onNext(Protos.bundle(bundle));
        }

        synchronized void close() {
            if (!stream.isCancelled()) {
                stream.onCompleted();
            }
        }
    }
}
