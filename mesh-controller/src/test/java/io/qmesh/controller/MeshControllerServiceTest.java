package io.qmesh.controller;

import io.qmesh.testing.ServiceEndpoints;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

/** mesh-controller boots against the fabric8 mock API server and answers probes and scrapes. */
@QuarkusTest
@WithKubernetesTestServer
class MeshControllerServiceTest {

    @Test
    void liveness_afterBoot_isUp() {
        ServiceEndpoints.assertLive();
    }

    @Test
    void readiness_whileKubernetesApiAnswers_isUp() {
        ServiceEndpoints.assertReadyWith("kubernetes-api");
    }

    @Test
    void readiness_afterFirstCompile_isUpWithThePolicy() {
        ServiceEndpoints.assertReadyWith("mesh-policy");
    }

    @Test
    void metrics_carryBuildInfo() {
        ServiceEndpoints.assertBuildInfo("mesh-controller");
    }
}
