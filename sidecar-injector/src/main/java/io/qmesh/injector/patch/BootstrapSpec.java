package io.qmesh.injector.patch;

import java.util.List;

/**
 * What an Envoy bootstrap is made from: who the proxy is (node id = proxy uuid, pod, service
 * account), where xds-service is, where the bootstrap Secret's certificate files are mounted, and
 * the rewritten probes Envoy serves.
 */
public record BootstrapSpec(String proxyUuid, String podName, String podNamespace, String podUid,
        String serviceAccount, String meshName, String xdsHost, int xdsPort, String certDirectory,
        List<ProbeRoute> probeRoutes) {

    public BootstrapSpec {
        probeRoutes = List.copyOf(probeRoutes);
    }

    /** Envoy's node id: {@code <uuid>.<service account>.<namespace>}, unique per pod. */
    public String nodeId() {
        return nodeId(proxyUuid, serviceAccount, podNamespace);
    }

    public static String nodeId(String proxyUuid, String serviceAccount, String podNamespace) {
        return proxyUuid + "." + serviceAccount + "." + podNamespace;
    }
}
