package io.qmesh.xds.proxy;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.qmesh.xds.generate.Ref;
import java.util.Optional;

/**
 * What a connecting Envoy says about itself. The injector's bootstrap sets {@code node.id} to
 * {@code <pod-namespace>/<pod-name>} and node metadata {@code pod_name}, {@code pod_namespace},
 * {@code pod_uid}; all must agree with each other and with the policy's endpoint for that pod.
 */
public record ProxyNode(String id, Ref pod, String podUid) {

    public static final String POD_NAME = "pod_name";
    public static final String POD_NAMESPACE = "pod_namespace";
    public static final String POD_UID = "pod_uid";
    /** {@code "true"} for a proxyless gRPC workload (grpc-java's xDS client), which gets the proxyless configuration. */
    public static final String PROXYLESS = "proxyless";

    public static boolean isProxyless(Node node) {
        return metadata(node, PROXYLESS).map("true"::equals).orElse(false);
    }

    /** The node's claims, or the reason they cannot be read. */
    public static Result parse(Node node) {
        String id = node.getId();
        int slash = id.indexOf('/');
        if (slash <= 0 || slash == id.length() - 1 || id.indexOf('/', slash + 1) >= 0) {
            return Result.refused("node.id '" + id + "' is not <pod-namespace>/<pod-name>");
        }
        Ref pod = Ref.of(id.substring(0, slash), id.substring(slash + 1));
        Optional<String> name = metadata(node, POD_NAME);
        Optional<String> namespace = metadata(node, POD_NAMESPACE);
        if (name.isPresent() && !name.get().equals(pod.name())
                || namespace.isPresent() && !namespace.get().equals(pod.namespace())) {
            return Result.refused("node.id '" + id + "' disagrees with node metadata pod " + namespace.orElse("?") + "/"
                    + name.orElse("?"));
        }
        return new Result(new ProxyNode(id, pod, metadata(node, POD_UID).orElse("")), null);
    }

    private static Optional<String> metadata(Node node, String key) {
        Value value = node.getMetadata().getFieldsMap().get(key);
        return value == null || value.getStringValue().isEmpty() ? Optional.empty() : Optional.of(value.getStringValue());
    }

    /** A parsed node or the reason it was refused. */
    public record Result(ProxyNode node, String refusal) {
        static Result refused(String why) {
            return new Result(null, why);
        }

        public boolean ok() {
            return node != null;
        }
    }
}
