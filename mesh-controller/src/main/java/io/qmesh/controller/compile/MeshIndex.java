package io.qmesh.controller.compile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.qmesh.api.MeshLabels;
import io.qmesh.api.crd.smi.HTTPRouteGroup;
import io.qmesh.api.crd.smi.TCPRoute;
import io.qmesh.api.mesh.v1.MeshSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Lookups the translators share, built once per compile from the inputs. */
final class MeshIndex {

    final CompilerConfig config;
    final MeshSettings settings;
    private final Set<String> enrolled = new TreeSet<>();
    private final Map<String, Service> services = new HashMap<>();
    private final Map<String, Pod> pods = new HashMap<>();
    private final Map<String, HTTPRouteGroup> httpRouteGroups = new HashMap<>();
    private final Map<String, TCPRoute> tcpRoutes = new HashMap<>();
    private final Map<String, Service> meshServicesByHost = new HashMap<>();

    MeshIndex(CompilerConfig config, MeshSettings settings, MeshInputs inputs) {
        this.config = config;
        this.settings = settings;
        for (Namespace ns : inputs.namespaces()) {
            Map<String, String> labels = ns.getMetadata().getLabels();
            if (labels != null && config.meshName().equals(labels.get(MeshLabels.MONITORED_BY))) {
                enrolled.add(ns.getMetadata().getName());
            }
        }
        inputs.services().forEach(s -> services.put(key(s), s));
        inputs.pods().forEach(p -> pods.put(key(p), p));
        inputs.httpRouteGroups().forEach(g -> httpRouteGroups.put(key(g), g));
        inputs.tcpRoutes().forEach(r -> tcpRoutes.put(key(r), r));
        for (Service s : inputs.services()) {
            if (isEnrolled(s.getMetadata().getNamespace())) {
                for (String host : ServiceTranslator.hostnames(s, config.clusterDomain())) {
                    meshServicesByHost.put(host, s);
                }
            }
        }
    }

    Set<String> enrolledNamespaces() {
        return enrolled;
    }

    boolean isEnrolled(String namespace) {
        return enrolled.contains(namespace);
    }

    Optional<Service> anyService(String namespace, String name) {
        return Optional.ofNullable(services.get(namespace + "/" + name));
    }

    /** A Service in an enrolled namespace. */
    Optional<Service> meshService(String namespace, String name) {
        return isEnrolled(namespace) ? anyService(namespace, name) : Optional.empty();
    }

    Optional<Service> meshServiceByHost(String host) {
        return Optional.ofNullable(meshServicesByHost.get(host));
    }

    Optional<Pod> pod(String namespace, String name) {
        return Optional.ofNullable(pods.get(namespace + "/" + name));
    }

    Optional<HTTPRouteGroup> httpRouteGroup(String namespace, String name) {
        return Optional.ofNullable(httpRouteGroups.get(namespace + "/" + name));
    }

    Optional<TCPRoute> tcpRoute(String namespace, String name) {
        return Optional.ofNullable(tcpRoutes.get(namespace + "/" + name));
    }

    <T extends HasMetadata> List<T> inMesh(List<T> objects) {
        return objects.stream().filter(o -> isEnrolled(o.getMetadata().getNamespace())).toList();
    }

    private static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }
}
