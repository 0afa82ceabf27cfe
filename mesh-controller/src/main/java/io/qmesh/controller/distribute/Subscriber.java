package io.qmesh.controller.distribute;

import io.qmesh.api.mesh.v1.MeshPolicyUpdate;

/**
 * One Watch stream. It holds what the subscriber has been sent and the newest policy; while the
 * transport is not ready nothing is queued, so a slow subscriber costs one reference and, when it
 * resumes, gets a single update from what it holds to the newest policy (latest wins).
 */
public final class Subscriber {

    private final String name;
    private final UpdateSink sink;
    private Published sent;
    private Published latest;
    private long updatesSent;

    Subscriber(String name, UpdateSink sink, Published holds) {
        this.name = name;
        this.sink = sink;
        this.sent = holds;
    }

    public String name() {
        return name;
    }

    /** Records the newest policy and sends it if the transport can take it now. Never blocks. */
    public synchronized void offer(Published policy) {
        latest = policy;
        drain();
    }

    /** Sends the newest policy, if any is pending and the transport is ready (also the transport's on-ready hook). */
    public synchronized void drain() {
        if (latest == null || (sent != null && sent.version().equals(latest.version())) || !sink.isReady()) {
            return;
        }
        MeshPolicyUpdate update = sent == null ? Updates.full(latest) : Updates.between(sent, latest);
        sent = latest;
        updatesSent++;
        sink.send(update);
    }

    public synchronized String sentVersion() {
        return sent == null ? "" : sent.version();
    }

    public synchronized long updatesSent() {
        return updatesSent;
    }
}
