package io.qmesh.xds;

import io.qmesh.testing.PureCoreCheck;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void generators_importNoIoAndReadNoClock() {
        PureCoreCheck.assertPure("io.qmesh.xds", "io.qmesh.xds.generate..", "io.qmesh.xds.proxy..");
    }
}
