package io.qmesh.injector.certs;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Starts {@link TestCa} and points the injector at it, with a token file holding the test token. */
public class TestCaResource implements QuarkusTestResourceLifecycleManager {

    /** The running CA's root, for tests that verify chains (same JVM). */
    public static volatile String rootPem;
    private TestCa ca;

    @Override
    public Map<String, String> start() {
        try {
            ca = new TestCa();
            rootPem = ca.rootPem();
            Path token = Files.createTempFile("qmesh-injector-token", "");
            Files.writeString(token, TestCa.TOKEN + "\n");
            token.toFile().deleteOnExit();
            return Map.of("qmesh.injector.ca.address", ca.address(),
                    "qmesh.injector.ca.token-file", token.toString());
        } catch (Exception e) {
            throw new IllegalStateException("test CA does not start", e);
        }
    }

    @Override
    public void stop() {
        try {
            if (ca != null) {
                ca.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
