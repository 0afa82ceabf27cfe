package io.qmesh.injector;

import io.qmesh.testing.ServiceEndpoints;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

/** sidecar-injector boots against the fabric8 mock API server and answers probes and scrapes. */
@QuarkusTest
@WithKubernetesTestServer(setup = ClusterSetup.class)
@io.quarkus.test.common.QuarkusTestResource(io.qmesh.injector.certs.TestCaResource.class)
class SidecarInjectorServiceTest {

    @Test
    void liveness_afterBoot_isUp() {
        ServiceEndpoints.assertLive();
    }

    @Test
    void readiness_whileKubernetesApiAnswers_isUp() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(() -> ServiceEndpoints.assertReadyWith("kubernetes-api"));
    }

    @Test
    void readiness_onceTheCaIssuedTheServingCertificate_includesWebhook() {
        // the first certificate is requested right after start, off the startup thread
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(() -> ServiceEndpoints.assertReadyWith("webhook"));
    }

    @Test
    void metrics_carryBuildInfo() {
        ServiceEndpoints.assertBuildInfo("sidecar-injector");
    }
}
