package io.qmesh.xds;

import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.testing.ServiceEndpoints;
import io.qmesh.xds.policy.PolicyHolder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** xds-service boots, answers probes and scrapes, and is ready only once it holds a MeshPolicy. */
@QuarkusTest
@WithKubernetesTestServer
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class XdsServiceTest {

    @Inject
    PolicyHolder policies;

    @Test
    @Order(1)
    void readiness_withoutMeshPolicy_isDownSayingWhy() {
        ServiceEndpoints.assertNotReadyBecause("mesh-policy", "no MeshPolicy received yet");
    }

    @Test
    @Order(2)
    void readiness_onceAPolicyIsHeld_isUp() {
        policies.hold("sha256:test", MeshPolicy.getDefaultInstance());

        ServiceEndpoints.assertReadyWith("mesh-policy");
    }

    @Test
    void liveness_afterBoot_isUp() {
        ServiceEndpoints.assertLive();
    }

    @Test
    void metrics_carryBuildInfo() {
        ServiceEndpoints.assertBuildInfo("xds-service");
    }
}
