package io.qmesh.controller.distribute;

import io.qmesh.api.mesh.PolicyDelta;
import io.qmesh.api.mesh.PolicyVersion;
import io.qmesh.api.mesh.v1.MeshPolicyDelta;
import io.qmesh.api.mesh.v1.MeshPolicyUpdate;

/**
 * MeshPolicyUpdate messages: the full policy, or the delta from what a subscriber holds; content_hash is the
 * bare hex SHA-256 of the payload's canonical bytes.
 */
public final class Updates {

    private Updates() {
    }

    public static MeshPolicyUpdate full(Published to) {
        return MeshPolicyUpdate.newBuilder().setVersion(to.version())
                .setContentHash(PolicyVersion.contentHash(to.policy()))
                .setFull(to.policy()).build();
    }

    public static MeshPolicyUpdate between(Published from, Published to) {
        MeshPolicyDelta delta = PolicyDelta.between(from.version(), from.policy(), to.policy());
        return MeshPolicyUpdate.newBuilder().setVersion(to.version())
                .setContentHash(PolicyVersion.contentHash(delta))
                .setDelta(delta).build();
    }
}
