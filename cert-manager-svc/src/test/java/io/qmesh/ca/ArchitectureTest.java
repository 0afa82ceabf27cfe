package io.qmesh.ca;

import io.qmesh.testing.PureCoreCheck;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void certificateBuilding_importsNoIoAndReadsNoClock() {
        PureCoreCheck.assertPure("io.qmesh.ca", "io.qmesh.ca.issue..");
    }
}
