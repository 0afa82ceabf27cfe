package io.qmesh.controller.compile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.qmesh.api.crd.MeshResource;
import io.qmesh.api.crd.config.MeshConfig;
import io.qmesh.api.crd.policy.Egress;
import io.qmesh.api.crd.policy.IngressBackend;
import io.qmesh.api.crd.policy.Retry;
import io.qmesh.api.crd.policy.UpstreamTrafficSetting;
import io.qmesh.api.crd.smi.HTTPRouteGroup;
import io.qmesh.api.crd.smi.TCPRoute;
import io.qmesh.api.crd.smi.TrafficSplit;
import io.qmesh.api.crd.smi.TrafficTarget;

/** The custom resources the controller reads and reports on, named as in Diagnostics: {@code <Kind>.<group>}. */
public enum ResourceKind {
    TRAFFIC_TARGET(TrafficTarget.class, "access.smi-spec.io"),
    HTTP_ROUTE_GROUP(HTTPRouteGroup.class, "specs.smi-spec.io"),
    TCP_ROUTE(TCPRoute.class, "specs.smi-spec.io"),
    TRAFFIC_SPLIT(TrafficSplit.class, "split.smi-spec.io"),
    MESH_CONFIG(MeshConfig.class, "config.qmesh.io"),
    RETRY(Retry.class, "policy.qmesh.io"),
    UPSTREAM_TRAFFIC_SETTING(UpstreamTrafficSetting.class, "policy.qmesh.io"),
    EGRESS(Egress.class, "policy.qmesh.io"),
    INGRESS_BACKEND(IngressBackend.class, "policy.qmesh.io");

    private final Class<? extends MeshResource<?>> type;
    private final String qualifiedName;

    ResourceKind(Class<? extends MeshResource<?>> type, String group) {
        this.type = type;
        this.qualifiedName = type.getSimpleName() + "." + group;
    }

    public Class<? extends MeshResource<?>> type() {
        return type;
    }

    /** {@code <Kind>.<group>}, e.g. {@code TrafficSplit.split.smi-spec.io}. */
    public String qualifiedName() {
        return qualifiedName;
    }

    public String kind() {
        return type.getSimpleName();
    }

    public static ResourceKind of(HasMetadata resource) {
        for (ResourceKind kind : values()) {
            if (kind.type.isInstance(resource)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("not a mesh resource: " + resource.getClass().getName());
    }

    public static ResourceKind byQualifiedName(String qualifiedName) {
        for (ResourceKind kind : values()) {
            if (kind.qualifiedName.equals(qualifiedName)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown resource kind " + qualifiedName);
    }
}
