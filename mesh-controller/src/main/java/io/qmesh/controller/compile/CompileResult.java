package io.qmesh.controller.compile;

import io.qmesh.api.mesh.v1.Diagnostic;
import io.qmesh.api.mesh.v1.MeshPolicy;
import java.util.List;

/** A compiled policy, its version, and the Accepted condition of every custom resource that was read. */
public record CompileResult(MeshPolicy policy, String version, List<ResourceStatus> statuses) {

    public CompileResult {
        statuses = List.copyOf(statuses);
    }

    public List<Diagnostic> diagnostics() {
        return policy.getDiagnosticsList();
    }
}
