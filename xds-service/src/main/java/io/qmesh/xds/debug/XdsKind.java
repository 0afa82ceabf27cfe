package io.qmesh.xds.debug;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The five xDS resource kinds under the names the debug endpoints and qmeshctl use ({@code listeners},
 * {@code routes}, {@code clusters}, {@code endpoints}, {@code secrets}), in the order Envoy applies them
 * to a listener's chain of references. The short names (lds, rds, cds, eds, sds) are accepted too.
 */
enum XdsKind {
    LISTENERS("lds", ResourceType.LISTENER, Resources.V3.LISTENER_TYPE_URL),
    ROUTES("rds", ResourceType.ROUTE, Resources.V3.ROUTE_TYPE_URL),
    CLUSTERS("cds", ResourceType.CLUSTER, Resources.V3.CLUSTER_TYPE_URL),
    ENDPOINTS("eds", ResourceType.ENDPOINT, Resources.V3.ENDPOINT_TYPE_URL),
    SECRETS("sds", ResourceType.SECRET, Resources.V3.SECRET_TYPE_URL);

    private final String shortName;
    private final ResourceType resourceType;
    private final String typeUrl;

    XdsKind(String shortName, ResourceType resourceType, String typeUrl) {
        this.shortName = shortName;
        this.resourceType = resourceType;
        this.typeUrl = typeUrl;
    }

    /** The JSON key: {@code listeners}, {@code routes}, ... */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    ResourceType resourceType() {
        return resourceType;
    }

    String typeUrl() {
        return typeUrl;
    }

    /** {@code listeners} or {@code lds} (any case). */
    static Optional<XdsKind> parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.key().equals(wanted) || k.shortName.equals(wanted)).findFirst();
    }

    static Optional<XdsKind> ofTypeUrl(String typeUrl) {
        return Arrays.stream(values()).filter(k -> k.typeUrl.equals(typeUrl)).findFirst();
    }
}
