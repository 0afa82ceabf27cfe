package io.qmesh.xds.serve;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.stub.StreamObserver;
import io.qmesh.api.mesh.PolicyDelta;
import io.qmesh.api.mesh.PolicyVersion;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshPolicyDelta;
import io.qmesh.api.mesh.v1.MeshPolicyServiceGrpc;
import io.qmesh.api.mesh.v1.MeshPolicyUpdate;
import io.qmesh.api.mesh.v1.PolicyEntry;
import io.qmesh.api.mesh.v1.WatchRequest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test double of mesh-controller's mesh.v1 MeshPolicyService, in process: the full policy (the
 * {@code split} golden case) on Watch,
 * then the updates a test publishes (full or delta, with versions and content hashes as the
 * controller computes them). Stands in until the real controller lands; also picks xds-service's
 * gRPC port so the tests can dial it.
 */
public class FakeMeshController implements QuarkusTestResourceLifecycleManager {

    static volatile MeshPolicy policy = MeshPolicy.getDefaultInstance();
    static final List<StreamObserver<MeshPolicyUpdate>> WATCHERS = new CopyOnWriteArrayList<>();
    static final List<WatchRequest> REQUESTS = new CopyOnWriteArrayList<>();
    static volatile int xdsPort;
    private Server server;

    @Override
    public Map<String, String> start() {
        WATCHERS.clear();
        REQUESTS.clear();
        policy = io.qmesh.xds.generate.EnvoyYaml.policy(io.qmesh.testing.GoldenFiles.read(
                java.nio.file.Path.of("src/test/resources/golden/split/policy.yaml")));
        try {
            server = ServerBuilder.forPort(0).addService(new MeshPolicyServiceGrpc.MeshPolicyServiceImplBase() {
                @Override
                public void watch(WatchRequest request, StreamObserver<MeshPolicyUpdate> updates) {
                    REQUESTS.add(request);
                    MeshPolicy current = policy;
                    if (!request.getLastVersion().equals(PolicyVersion.of(current))) {
                        updates.onNext(full(current));
                    }
                    WATCHERS.add(updates);
                }
            }).build().start();
            try (ServerSocket socket = new ServerSocket(0)) {
                xdsPort = socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("qmesh.xds.controller.enabled", "true",
                "qmesh.xds.controller.address", "127.0.0.1:" + server.getPort(),
                "qmesh.xds.ads.port", String.valueOf(xdsPort));
    }

    @Override
    public void stop() {
        server.shutdownNow();
    }

    static MeshPolicyUpdate full(MeshPolicy p) {
        return MeshPolicyUpdate.newBuilder().setVersion(PolicyVersion.of(p)).setContentHash(PolicyVersion.contentHash(p))
                .setFull(p).build();
    }

    /** Publishes a changed entry as a delta, the way the controller sends incremental updates. */
    static void publishDelta(PolicyEntry upsert) {
        MeshPolicy before = policy;
        MeshPolicyDelta delta = MeshPolicyDelta.newBuilder().setBaseVersion(PolicyVersion.of(before))
                .addUpserts(upsert).build();
        MeshPolicy after = PolicyDelta.apply(before, delta);
        policy = after;
        MeshPolicyUpdate update = MeshPolicyUpdate.newBuilder().setVersion(PolicyVersion.of(after))
                .setContentHash(PolicyVersion.contentHash(delta)).setDelta(delta).build();
        WATCHERS.forEach(w -> w.onNext(update));
    }

    /** Ends every Watch stream, as a controller restart would. */
    static void disconnectAll() {
        WATCHERS.forEach(w -> w.onError(io.grpc.Status.UNAVAILABLE.withDescription("controller restarting").asRuntimeException()));
        WATCHERS.clear();
    }
}
