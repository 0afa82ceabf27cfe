package io.qmesh.xds.serve;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.stub.StreamObserver;
import io.qmesh.api.mesh.v1.MeshPolicyServiceGrpc;
import io.qmesh.api.mesh.v1.MeshPolicyUpdate;
import io.qmesh.api.mesh.v1.WatchRequest;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

    /**
     * The heap the server side of an idle gRPC connection with one open stream costs in this JVM (the
     * clients run in {@link SimulatedEnvoys}' JVM): the floor for heap per proxy.
     */
    static long idleStreamFloor(int n) throws Exception {
        AtomicInteger open = new AtomicInteger();
        Server server = ServerBuilder.forPort(0).addService(new MeshPolicyServiceGrpc.MeshPolicyServiceImplBase() {
            @Override
            public void watch(WatchRequest request, StreamObserver<MeshPolicyUpdate> updates) {
                open.incrementAndGet();
            }
        }).build().start();
        try {
            long before = usedHeap();
            try (SimulatedEnvoys idle = SimulatedEnvoys.start("idle", String.valueOf(server.getPort()), String.valueOf(n))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (open.get() < n && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                return (usedHeap() - before) / n;
            }
        } finally {
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
