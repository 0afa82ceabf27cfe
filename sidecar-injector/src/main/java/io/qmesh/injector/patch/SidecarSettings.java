package io.qmesh.injector.patch;

import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * Mesh-wide injection settings (from configuration and MeshConfig spec.sidecar / spec.traffic),
 * and whether the cluster runs native sidecars (Kubernetes 1.29 and later).
 */
public record SidecarSettings(String meshName, String controlPlaneNamespace, String envoyImage, String initImage,
        String logLevel, ResourceRequirements resources, TrafficExclusions meshExclusions, String xdsHost, int xdsPort,
        boolean nativeSidecars) {

    public static final String CERT_DIRECTORY = "/etc/envoy";

    public SidecarSettings {
        meshExclusions = meshExclusions == null ? TrafficExclusions.NONE : meshExclusions;
    }

    public SidecarSettings withNativeSidecars(boolean value) {
        return new SidecarSettings(meshName, controlPlaneNamespace, envoyImage, initImage, logLevel, resources,
                meshExclusions, xdsHost, xdsPort, value);
    }
}
