package io.qmesh.ctl;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** The control plane as the mock API server shows it: its namespace, Deployments, mesh-controller's Lease, a meshed pod. */
final class ControlPlaneFixture {

    static final Instant NOW = Instant.parse("2030-01-01T00:00:10Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String LEADER = "mesh-controller-6d9f8-x2k4p-3f1a";

    private ControlPlaneFixture() {
    }

    static void install(KubernetesClient client, int xdsReady) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("qmesh-system").endMetadata().build()).create();
        for (String service : VersionCommand.SERVICES) {
            int replicas = service.equals("xds-service") ? 2 : 1;
            int ready = service.equals("xds-service") ? xdsReady : 1;
            client.apps().deployments().inNamespace("qmesh-system").resource(new DeploymentBuilder()
                    .withNewMetadata().withName(service).endMetadata()
                    .withNewSpec().withReplicas(replicas).withNewTemplate().withNewSpec().addNewContainer().withName(service)
                    .withImage("qmesh/" + service + ":0.1.0-SNAPSHOT").endContainer().endSpec().endTemplate().endSpec()
                    .withNewStatus().withReplicas(replicas).withReadyReplicas(ready).endStatus()
                    .build()).create();
        }
        client.leases().inNamespace("qmesh-system").resource(new LeaseBuilder().withNewMetadata().withName("qmesh-controller")
                .endMetadata().withNewSpec().withHolderIdentity(LEADER).withLeaseDurationSeconds(15)
                .withRenewTime(ZonedDateTime.ofInstant(NOW.minusSeconds(3), ZoneOffset.UTC)).endSpec().build()).create();
    }

    static void pod(KubernetesClient client, String namespace, String name) {
        if (client.namespaces().withName(namespace).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        }
        client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app").endContainer().endSpec().build()).create();
    }
}
