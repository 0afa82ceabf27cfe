package io.qmesh.ca;

import io.qmesh.ca.sign.Signer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** {@code ca-root}: ready once the signer holds what it signs with (the mesh root, or the user's intermediate). */
@Readiness
@ApplicationScoped
public class CaRootReadinessCheck implements HealthCheck {

    static final String NAME = "ca-root";

    private final Signer signer;

    CaRootReadinessCheck(Signer signer) {
        this.signer = signer;
    }

    @Override
    public HealthCheckResponse call() {
        var why = signer.notReady();
        var response = HealthCheckResponse.named(NAME).withData("signer", signer.name());
        if (why.isPresent()) {
            return response.down().withData("reason", why.get()).build();
        }
        var bundle = signer.bundle();
        return response.up().withData("bundle", bundle.roots().isEmpty() ? "none yet" : bundle.version()).build();
    }
}
