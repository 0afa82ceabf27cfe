package io.qmesh.ca;

import io.qmesh.testing.PureCoreCheck;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void certificateBuildingTrustAndPolicy_importNoIoAndReadNoClock() {
        PureCoreCheck.assertPure("io.qmesh.ca", "io.qmesh.ca.issue..", "io.qmesh.ca.trust..", "io.qmesh.ca.policy..");
    }
}
