package io.qmesh.controller.distribute;

import io.qmesh.api.mesh.v1.MeshPolicyDelta;
import io.qmesh.api.mesh.v1.MeshPolicyUpdate;
import io.qmesh.controller.compile.PolicyDelta;
import io.qmesh.controller.compile.PolicyVersion;

/** MeshPolicyUpdate messages: the full policy, or the delta from what a subscriber holds. */
public final class Updates {

    private Updates() {
    }

    public static MeshPolicyUpdate full(Published to) {
        return MeshPolicyUpdate.newBuilder().setVersion(to.version())
                .setContentHash(contentHash(PolicyVersion.of(to.policy())))
                .setFull(to.policy()).build();
    }

    public static MeshPolicyUpdate between(Published from, Published to) {
        MeshPolicyDelta delta = PolicyDelta.between(from.version(), from.policy(), to.policy());
        return MeshPolicyUpdate.newBuilder().setVersion(to.version())
                .setContentHash(contentHash(PolicyVersion.of(delta)))
                .setDelta(delta).build();
    }

    /** The update's content_hash is the bare hex SHA-256 of its payload's canonical bytes. */
    private static String contentHash(String prefixedVersion) {
        return prefixedVersion.substring(PolicyVersion.PREFIX.length());
    }
}
