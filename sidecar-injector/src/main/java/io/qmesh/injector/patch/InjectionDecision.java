package io.qmesh.injector.patch;

import io.qmesh.api.MeshLabels;
import java.util.Map;

/**
 * Whether a pod gets a sidecar, and why (the reason is logged and counted). A pod is injected when
 * its namespace is enrolled ({@code qmesh.io/monitored-by}) and injection is {@code enabled} on the
 * pod or, when the pod says nothing, on its namespace. Never: the control-plane namespace,
 * hostNetwork pods (their iptables rules would redirect the node's traffic), pods already injected.
 */
public record InjectionDecision(boolean inject, String reason) {

    public static final String ENABLED = "enabled";
    public static final String DISABLED = "disabled";

    /** What the decision reads from a pod. */
    public record Pod(String namespace, Map<String, String> annotations, boolean hostNetwork, boolean hasSidecar) {
        public Pod {
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        }
    }

    /** What the decision reads from the pod's namespace. */
    public record Namespace(Map<String, String> labels, Map<String, String> annotations) {
        public Namespace {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        }
    }

    public static InjectionDecision decide(Pod pod, Namespace namespace, String meshName, String controlPlaneNamespace) {
        if (pod.namespace().equals(controlPlaneNamespace)) {
            return skip("namespace " + controlPlaneNamespace + " is the control plane's");
        }
        if (pod.hostNetwork()) {
            return skip("pod uses hostNetwork");
        }
        if (pod.hasSidecar()) {
            return skip("pod already has the sidecar");
        }
        String monitoredBy = namespace.labels().get(MeshLabels.MONITORED_BY);
        if (!meshName.equals(monitoredBy)) {
            return skip("namespace " + pod.namespace() + " is not enrolled in mesh " + meshName
                    + " (label " + MeshLabels.MONITORED_BY + "=" + monitoredBy + ")");
        }
        String podSetting = pod.annotations().get(MeshLabels.SIDECAR_INJECTION);
        if (podSetting != null) {
            return fromSetting(podSetting, "pod annotation");
        }
        String namespaceSetting = namespace.annotations().get(MeshLabels.SIDECAR_INJECTION);
        if (namespaceSetting != null) {
            return fromSetting(namespaceSetting, "namespace annotation");
        }
        return skip("injection is not enabled on the pod or its namespace (" + MeshLabels.SIDECAR_INJECTION + ")");
    }

    private static InjectionDecision fromSetting(String value, String where) {
        String source = where + " " + MeshLabels.SIDECAR_INJECTION + "=" + value;
        return switch (value) {
            case ENABLED -> new InjectionDecision(true, source);
            case DISABLED -> skip(source);
            default -> skip(where + " " + MeshLabels.SIDECAR_INJECTION + " has value '" + value
                    + "', which is neither '" + ENABLED + "' nor '" + DISABLED + "'");
        };
    }

    private static InjectionDecision skip(String reason) {
        return new InjectionDecision(false, reason);
    }
}
