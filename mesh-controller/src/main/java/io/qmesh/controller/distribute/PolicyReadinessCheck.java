package io.qmesh.controller.distribute;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once a policy has been compiled, so a new replica never answers a Watch with nothing to send. */
@Readiness
@ApplicationScoped
public class PolicyReadinessCheck implements HealthCheck {

    static final String NAME = "mesh-policy";

    private final PolicyDistributor distributor;

    PolicyReadinessCheck(PolicyDistributor distributor) {
        this.distributor = distributor;
    }

    @Override
    public HealthCheckResponse call() {
        Published current = distributor.current();
        if (current == null) {
            return HealthCheckResponse.named(NAME).down().withData("reason", "no mesh policy compiled yet").build();
        }
        return HealthCheckResponse.named(NAME).up().withData("version", current.version())
                .withData("subscribers", distributor.subscriberCount()).build();
    }
}
