package io.qmesh.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the Kubernetes API answers: a service that reads or writes cluster state can do
 * nothing useful without it. Services that can run on what they already hold switch it off with the
 * build property {@code qmesh.readiness.kubernetes-api=false}.
 */
@Readiness
@ApplicationScoped
@IfBuildProperty(name = "qmesh.readiness.kubernetes-api", stringValue = "true", enableIfMissing = true)
public class KubernetesApiReadinessCheck implements HealthCheck {

    static final String NAME = "kubernetes-api";

    private final KubernetesClient client;

    KubernetesApiReadinessCheck(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public HealthCheckResponse call() {
        String server = client.getMasterUrl().toString();
        try {
            client.namespaces().withName(client.getNamespace() == null ? "default" : client.getNamespace()).get();
            return HealthCheckResponse.named(NAME).up().withData("server", server).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named(NAME).down().withData("server", server)
                    .withData("reason", "Kubernetes API did not answer: " + rootCause(e)).build();
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
