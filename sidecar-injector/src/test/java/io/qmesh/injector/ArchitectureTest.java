package io.qmesh.injector;

import io.qmesh.testing.PureCoreCheck;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void patchBuilding_importsNoIoAndReadsNoClock() {
        PureCoreCheck.assertPure("io.qmesh.injector", "io.qmesh.injector.patch..", "io.qmesh.injector.admission..");
    }
}
