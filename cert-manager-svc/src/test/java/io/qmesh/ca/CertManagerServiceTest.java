package io.qmesh.ca;

import io.qmesh.testing.ServiceEndpoints;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

/** cert-manager-svc boots against the fabric8 mock API server and answers probes and scrapes. */
@QuarkusTest
@WithKubernetesTestServer
class CertManagerServiceTest {

    @Test
    void liveness_afterBoot_isUp() {
        ServiceEndpoints.assertLive();
    }

    @Test
    void readiness_whileKubernetesApiAnswers_isUp() {
        ServiceEndpoints.assertReadyWith("kubernetes-api");
        ServiceEndpoints.assertReadyWith("ca-root");
    }

    @Test
    void metrics_carryBuildInfo() {
        ServiceEndpoints.assertBuildInfo("cert-manager-svc");
    }
}
