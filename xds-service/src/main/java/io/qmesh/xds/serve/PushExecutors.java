package io.qmesh.xds.serve;

import io.envoyproxy.controlplane.server.ExecutorGroup;
import io.qmesh.runtime.DaemonThreads;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A fixed set of single-threaded executors handed to streams round robin: a stream's responses stay
 * in order on one thread, and a fleet-wide update is sent from every thread instead of the one that
 * set the snapshots. Bounded, unlike gRPC's default cached pool.
 */
final class PushExecutors implements ExecutorGroup, AutoCloseable {

    private final List<ExecutorService> executors;
    private final AtomicInteger next = new AtomicInteger();

    PushExecutors(int threads) {
        // one factory for all of them: xds-push-1, xds-push-2, …
        ThreadFactory pushThreads = DaemonThreads.numbered("xds-push");
        executors = IntStream.range(0, threads).mapToObj(i -> Executors.newSingleThreadExecutor(pushThreads)).toList();
    }

    @Override
    public ExecutorService next() {
        return executors.get(Math.floorMod(next.getAndIncrement(), executors.size()));
    }

    /** Completes when every task queued so far on every executor has run (each is FIFO). */
    java.util.concurrent.CompletableFuture<Void> afterQueued() {
        try {
            return java.util.concurrent.CompletableFuture.allOf(executors.stream()
                    .map(e -> java.util.concurrent.CompletableFuture.runAsync(() -> { }, e))
                    .toArray(java.util.concurrent.CompletableFuture[]::new));
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            return new java.util.concurrent.CompletableFuture<>();
        }
    }

    @Override
    public void close() {
        executors.forEach(ExecutorService::shutdownNow);
    }
}
