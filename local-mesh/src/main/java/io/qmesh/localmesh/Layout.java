package io.qmesh.localmesh;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where things are: the repository's built artifacts and local-mesh's working directory. */
record Layout(Path repo, Path work) {

    static Layout find(Path start, Path work) {
        Path dir = start.toAbsolutePath().normalize();
        while (dir != null && !(Files.isDirectory(dir.resolve("k8s")) && Files.isDirectory(dir.resolve("mesh-controller")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run local-mesh from inside the qmesh repository (no k8s/ and mesh-controller/ above "
                    + start.toAbsolutePath() + ")");
        }
        return new Layout(dir, work.isAbsolute() ? work : dir.resolve(work));
    }

    Path serviceJar(String module) {
        return require(repo.resolve(module).resolve("target/quarkus-app/quarkus-run.jar"));
    }

    Path demoJar() {
        return require(repo.resolve("bookstore-demo/target/bookstore-demo.jar"));
    }

    Path qmeshctlJar() {
        return require(repo.resolve("qmeshctl/target/qmeshctl.jar"));
    }

    Path localMeshJar() {
        return require(repo.resolve("local-mesh/target/local-mesh.jar"));
    }

    Path demoManifests() {
        return repo.resolve("bookstore-demo/k8s");
    }

    Path k8s() {
        return repo.resolve("k8s");
    }

    private static Path require(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is not built; run `make build` first");
        }
        return jar;
    }
}
