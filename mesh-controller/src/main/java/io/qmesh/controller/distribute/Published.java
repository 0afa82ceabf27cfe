package io.qmesh.controller.distribute;

import io.qmesh.api.mesh.v1.MeshPolicy;
import java.util.Objects;

/** A policy as distributed: the immutable message and its version. */
public record Published(MeshPolicy policy, String version) {

    public Published {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(version, "version");
    }
}
