package io.qmesh.injector.tools;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real tools the integration tests run: kubectl, node with tools/k8s-schema, root and iptables. */
public final class ExternalTools {

    public static final Path K8S_SCHEMA = Path.of("..", "tools", "k8s-schema").toAbsolutePath().normalize();

    /** A finished process: exit code, stdout, stderr. */
    public record Run(int exitCode, String stdout, String stderr) {
        public String describe() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private ExternalTools() {
    }

    public static void assumeKubectl() {
        assumeTrue(onPath("kubectl"), "kubectl is not on the PATH: skipping the kubectl patch checks (CI installs kubectl 1.32)");
    }

    public static void assumeSchemaTool() {
        assumeTrue(onPath("node"), "node is not on the PATH: skipping the Kubernetes schema checks");
        assumeTrue(Files.isDirectory(K8S_SCHEMA.resolve("node_modules/kubernetes-models")),
                "tools/k8s-schema/node_modules is missing: run `npm ci --prefix tools/k8s-schema`; skipping the schema checks");
    }

    public static boolean onPath(String command) {
        return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    /** Validates YAML documents with tools/k8s-schema. */
    public static Run validateSchema(String yaml) {
        return run(yaml, "node", K8S_SCHEMA.resolve("validate.mjs").toString(), "-");
    }

    public static Run run(String stdin, String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            Path out = Files.createTempFile("qmesh-tool", ".out");
            Path err = Files.createTempFile("qmesh-tool", ".err");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            Run run = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
