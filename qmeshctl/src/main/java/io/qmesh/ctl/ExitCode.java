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
    /** A namespace, pod or the control plane is not there. */
    static final int NOT_FOUND = 4;

    private ExitCode() {
    }
}
