package io.qmesh.xds.serve;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.stub.StreamObserver;
import io.qmesh.api.mesh.v1.MeshPolicyServiceGrpc;
import io.qmesh.api.mesh.v1.MeshPolicyUpdate;
import io.qmesh.api.mesh.v1.WatchRequest;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@link XdsBenchmark} reads of the JVM it runs in: heap in use, the heap floor of a gRPC stream, GC pauses. */
final class JvmMeasures {

    private JvmMeasures() {
    }

    /** The heap in use right after a full GC (read at once: background threads refill the young generation within milliseconds). */
    static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The heap an idle gRPC connection with one open stream costs in this JVM: the floor for heap per proxy. */
    static long idleStreamFloor(int n) throws Exception {
        Server server = ServerBuilder.forPort(0).addService(new MeshPolicyServiceGrpc.MeshPolicyServiceImplBase() {
            @Override
            public void watch(WatchRequest request, StreamObserver<MeshPolicyUpdate> updates) {
            }
        }).build().start();
        List<ManagedChannel> channels = new ArrayList<>();
        try {
            long before = usedHeap();
            for (int i = 0; i < n; i++) {
                ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
                channels.add(ch);
                MeshPolicyServiceGrpc.newStub(ch).watch(WatchRequest.getDefaultInstance(), new StreamObserver<>() {
                    public void onNext(MeshPolicyUpdate u) { }
                    public void onError(Throwable t) { }
                    public void onCompleted() { }
                });
            }
            Thread.sleep(2000);
            return (usedHeap() - before) / n;
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            server.shutdownNow();
        }
    }

    /** Collections of every collector so far and the time they took (stop-the-world pauses, for the Parallel GC). */
    record GcPauses(long count, long millis) {
        static GcPauses now() {
            long count = 0;
            long millis = 0;
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, gc.getCollectionCount());
                millis += Math.max(0, gc.getCollectionTime());
            }
            return new GcPauses(count, millis);
        }

        GcPauses minus(GcPauses before) {
            return new GcPauses(count - before.count, millis - before.millis);
        }

        static String collectors() {
            return String.join(", ", ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList());
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d %s, %.1f ms on average", count, count == 1 ? "pause" : "pauses",
                    count == 0 ? 0.0 : (double) millis / count);
        }
    }
}
