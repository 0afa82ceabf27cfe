package io.qmesh.injector.patch;

/**
 * One rewritten probe as Envoy serves it: a kubelet request to {@code listenerPort}{@code path} is
 * routed to the application's {@code targetPort} — as HTTP to {@code targetPath} when {@code tcp} is
 * false, as a TCP connect check when true.
 */
public record ProbeRoute(int listenerPort, String path, int targetPort, String targetPath, boolean tcp) {

    public static ProbeRoute http(int listenerPort, String path, int targetPort, String targetPath) {
        return new ProbeRoute(listenerPort, path, targetPort, targetPath, false);
    }

    public static ProbeRoute tcp(int listenerPort, String path, int targetPort) {
        return new ProbeRoute(listenerPort, path, targetPort, null, true);
    }
}
