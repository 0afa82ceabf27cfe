package io.qmesh.ctl;

/** What a script can rely on. */
final class ExitCode {
    static final int OK = 0;
    /** {@code policy check}: the call would be denied. */
    static final int DENIED = 1;
    /** Bad arguments (picocli's own code). */
    static final int USAGE = 2;
    /** No kubeconfig, or the cluster did not answer. */
    static final int UNREACHABLE = 3;
    /** A namespace, pod or the control plane is not there, or a pod's proxy is connected to no xds-service replica. */
    static final int NOT_FOUND = 4;
    /**
     * {@code status}: the control plane answered but is not healthy (a Deployment with fewer ready
     * replicas than desired, no mesh-controller leader, an xds-service replica without a MeshPolicy or
     * not answering).
     */
    static final int DEGRADED = 5;

    private ExitCode() {
    }
}
