package io.qmesh.controller.compile;

import io.qmesh.api.MeshLabels;
import java.util.Objects;

/**
 * What the compiler needs to know that is not in the cluster: which mesh it compiles (namespaces
 * labelled {@code qmesh.io/monitored-by=<meshName>} are enrolled), where the MeshConfig lives, and
 * the names identities and services get.
 */
public record CompilerConfig(String meshName, String controlPlaneNamespace, String meshConfigName,
        String trustDomain, String clusterDomain) {

    public static final String DEFAULT_MESH_CONFIG_NAME = "qmesh-mesh-config";
    public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

    public CompilerConfig {
        Objects.requireNonNull(meshName, "meshName");
        Objects.requireNonNull(controlPlaneNamespace, "controlPlaneNamespace");
        Objects.requireNonNull(meshConfigName, "meshConfigName");
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(clusterDomain, "clusterDomain");
    }

    public static CompilerConfig defaults() {
        return new CompilerConfig(MeshLabels.DEFAULT_MESH_NAME, MeshLabels.CONTROL_PLANE_NAMESPACE,
                DEFAULT_MESH_CONFIG_NAME, MeshLabels.DEFAULT_TRUST_DOMAIN, DEFAULT_CLUSTER_DOMAIN);
    }
}
