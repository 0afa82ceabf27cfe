package io.qmesh.xds.policy;

import io.qmesh.api.mesh.v1.MeshPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** The MeshPolicy this replica serves from: the last one received from mesh-controller. */
@ApplicationScoped
public class PolicyHolder {

    /** A policy together with its version (a content hash, see mesh.v1). */
    public record Held(String version, MeshPolicy policy) {
    }

    private final AtomicReference<Held> current = new AtomicReference<>();

    public Optional<Held> current() {
        return Optional.ofNullable(current.get());
    }

    public void hold(String version, MeshPolicy policy) {
        current.set(new Held(version, policy));
    }
}
