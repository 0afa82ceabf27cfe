package io.qmesh.xds.policy;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until a MeshPolicy is held: a proxy connecting earlier would get no configuration.
 * Once one is held it stays ready, also while mesh-controller is away.
 */
@Readiness
@ApplicationScoped
public class PolicyReadinessCheck implements HealthCheck {

    static final String NAME = "mesh-policy";

    private final PolicyHolder holder;

    PolicyReadinessCheck(PolicyHolder holder) {
        this.holder = holder;
    }

    @Override
    public HealthCheckResponse call() {
        return holder.current()
                .map(held -> HealthCheckResponse.named(NAME).up().withData("version", held.version()).build())
                .orElseGet(() -> HealthCheckResponse.named(NAME).down()
                        .withData("reason", "no MeshPolicy received yet from mesh-controller").build());
    }
}
