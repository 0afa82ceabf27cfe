package io.qmesh.controller.distribute;

import io.qmesh.api.mesh.v1.MeshPolicyUpdate;

/** Where a subscriber's updates go: a gRPC stream in production, a list in tests. */
public interface UpdateSink {

    /** False while the transport's buffer is full; the subscriber then keeps only the newest policy. */
    boolean isReady();

    void send(MeshPolicyUpdate update);
}
