package io.qmesh.api;

/** The labels, annotations and well-known names users and services share (see DESIGN "Identity and naming"). */
public final class MeshLabels {

    /** Namespace label that enrolls it in a mesh: {@code qmesh.io/monitored-by=<mesh>}. */
    public static final String MONITORED_BY = "qmesh.io/monitored-by";
    /** Namespace or pod annotation: {@code enabled} or {@code disabled}. */
    public static final String SIDECAR_INJECTION = "qmesh.io/sidecar-injection";
    /** Namespace or pod annotation: {@code enabled} turns on Prometheus scraping of the sidecar. */
    public static final String METRICS = "qmesh.io/metrics";
    /** Pod label the injector sets on every pod it gives a sidecar: the proxy's UUID (also on its bootstrap Secret). */
    public static final String PROXY_UUID = "qmesh.io/proxy-uuid";

    public static final String DEFAULT_MESH_NAME = "qmesh";
    public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";
    public static final String CONTROL_PLANE_NAMESPACE = "qmesh-system";

    private MeshLabels() {
    }
}
