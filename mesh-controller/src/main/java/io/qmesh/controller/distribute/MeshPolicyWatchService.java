package io.qmesh.controller.distribute;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.qmesh.api.mesh.v1.MeshPolicyServiceGrpc;
import io.qmesh.api.mesh.v1.MeshPolicyUpdate;
import io.qmesh.api.mesh.v1.WatchRequest;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * {@code qmesh.mesh.v1.MeshPolicyService/Watch}: the full policy on connect (nothing while the
 * subscriber's last_version is current), then updates. Flow control comes from the stream's
 * readiness, so a slow subscriber is skipped, not waited for, and later gets the newest policy.
 */
@GrpcService
public class MeshPolicyWatchService extends MeshPolicyServiceGrpc.MeshPolicyServiceImplBase {

    private static final Logger LOG = Logger.getLogger(MeshPolicyWatchService.class);

    @Inject
    PolicyDistributor distributor;

    @Override
    public void watch(WatchRequest request, StreamObserver<MeshPolicyUpdate> responses) {
        String name = request.getSubscriber().isEmpty() ? "anonymous" : request.getSubscriber();
        ServerCallStreamObserver<MeshPolicyUpdate> call = (ServerCallStreamObserver<MeshPolicyUpdate>) responses;
        AtomicReference<Subscriber> self = new AtomicReference<>();
        call.setOnCancelHandler(() -> {
            distributor.unsubscribe(self.get());
            LOG.infof("subscriber=%s left holding version=%s", name, self.get().sentVersion());
        });
        call.setOnReadyHandler(() -> self.get().drain());
        LOG.infof("subscriber=%s watching, holds version=%s", name,
                request.getLastVersion().isEmpty() ? "none" : request.getLastVersion());
        self.set(distributor.subscribe(name, request.getLastVersion(), new UpdateSink() {
            @Override
            public boolean isReady() {
                return call.isReady() && !call.isCancelled();
            }

            @Override
            public void send(MeshPolicyUpdate update) {
                call.onNext(update);
                LOG.debugf("subscriber=%s version=%s sent %s", name, update.getVersion(), update.getPayloadCase());
            }
        }));
    }
}
