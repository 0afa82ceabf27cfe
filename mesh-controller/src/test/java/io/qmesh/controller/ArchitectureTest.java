package io.qmesh.controller;

import io.qmesh.testing.PureCoreCheck;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void compiler_importsNoIoAndReadsNoClock() {
        PureCoreCheck.assertPure("io.qmesh.controller", "io.qmesh.controller.compile..");
    }
}
