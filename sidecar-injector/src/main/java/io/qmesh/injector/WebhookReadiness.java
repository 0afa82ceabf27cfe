package io.qmesh.injector;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the HTTPS webhook serves with a certificate from the CA. */
@Readiness
@ApplicationScoped
public class WebhookReadiness implements HealthCheck {

    private final WebhookServer server;

    public WebhookReadiness(WebhookServer server) {
        this.server = server;
    }

    @Override
    public HealthCheckResponse call() {
        int port = server.port();
        return port > 0
                ? HealthCheckResponse.builder().name("webhook").up().withData("port", port).build()
                : HealthCheckResponse.builder().name("webhook").down()
                        .withData("reason", "no serving certificate from cert-manager-svc yet").build();
    }
}
