package io.qmesh.controller.compile;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.qmesh.api.MeshLabels;
import io.qmesh.api.mesh.v1.AppProtocol;
import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.EndpointPort;
import io.qmesh.api.mesh.v1.Identity;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServiceEndpoints;
import io.qmesh.api.mesh.v1.ServicelessPod;
import io.qmesh.api.mesh.v1.WorkloadIdentity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Services, their ready endpoints, the meshed pods that back none of them, and the workload identities
 * (ServiceAccounts) of enrolled namespaces.
 */
final class ServiceTranslator {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    private static final String DEFAULT_SERVICE_ACCOUNT = "default";

    private ServiceTranslator() {
    }

    static List<String> hostnames(io.fabric8.kubernetes.api.model.Service s, String clusterDomain) {
        String name = s.getMetadata().getName();
        String ns = s.getMetadata().getNamespace();
        return List.of(name, name + "." + ns, name + "." + ns + ".svc", name + "." + ns + ".svc." + clusterDomain);
    }

    static Service service(io.fabric8.kubernetes.api.model.Service s, String clusterDomain) {
        Service.Builder out = Service.newBuilder().setRef(Refs.of(s));
        List<ServicePort> ports = new ArrayList<>(s.getSpec() == null || s.getSpec().getPorts() == null
                ? List.of() : s.getSpec().getPorts());
        ports.sort(Comparator.comparing((ServicePort p) -> p.getPort() == null ? 0 : p.getPort())
                .thenComparing(p -> Objects.toString(p.getName(), "")));
        for (ServicePort p : ports) {
            int port = p.getPort() == null ? 0 : p.getPort();
            out.addPorts(io.qmesh.api.mesh.v1.ServicePort.newBuilder()
                    .setName(Objects.toString(p.getName(), ""))
                    .setPort(port)
                    .setTargetPort(targetPort(p.getTargetPort(), port))
                    .setAppProtocol(appProtocol(p.getAppProtocol(), p.getName())));
        }
        TreeSet<String> ips = new TreeSet<>();
        if (s.getSpec() != null) {
            if (s.getSpec().getClusterIPs() != null) {
                ips.addAll(s.getSpec().getClusterIPs());
            }
            if (s.getSpec().getClusterIP() != null) {
                ips.add(s.getSpec().getClusterIP());
            }
        }
        ips.remove("None");
        ips.remove("");
        out.addAllClusterIps(ips);
        out.addAllHostnames(hostnames(s, clusterDomain));
        return out.build();
    }

    /** A numeric targetPort; a named one resolves per endpoint (EndpointSlice ports), so 0 here. */
    private static int targetPort(IntOrString target, int port) {
        if (target == null) {
            return port;
        }
        return target.getIntVal() != null ? target.getIntVal() : 0;
    }

    /** {@code appProtocol}, else the port name's prefix ({@code http-}, {@code grpc-}, {@code tcp-}), else HTTP. */
    static AppProtocol appProtocol(String appProtocol, String portName) {
        if (appProtocol != null && !appProtocol.isBlank()) {
            String p = appProtocol.toLowerCase(Locale.ROOT);
            return switch (p) {
                case "http" -> AppProtocol.HTTP;
                case "http2", "h2c", "kubernetes.io/h2c" -> AppProtocol.HTTP2;
                case "grpc" -> AppProtocol.GRPC;
                case "tcp", "https", "tls", "kubernetes.io/ws", "kubernetes.io/wss" -> AppProtocol.TCP;
                default -> AppProtocol.HTTP;
            };
        }
        String name = portName == null ? "" : portName.toLowerCase(Locale.ROOT);
        if (name.startsWith("grpc-") || name.equals("grpc")) {
            return AppProtocol.GRPC;
        }
        if (name.startsWith("tcp-") || name.equals("tcp")) {
            return AppProtocol.TCP;
        }
        if (name.startsWith("http2-") || name.equals("http2")) {
            return AppProtocol.HTTP2;
        }
        return AppProtocol.HTTP;
    }

    /**
     * Ready endpoints of every mesh service, merged over its EndpointSlices, sorted by address; and
     * those of the Services outside the mesh that IngressBackends allow ({@code ingressSources}), as
     * addresses only: their pods have no sidecar, hence no mesh identity.
     */
    static List<ServiceEndpoints> endpoints(MeshIndex index, MeshInputs inputs, Set<ObjectRef> ingressSources) {
        Map<ObjectRef, Map<String, Endpoint>> byService = new TreeMap<>(Refs.ORDER);
        for (EndpointSlice slice : inputs.endpointSlices()) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            String serviceName = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            String ns = slice.getMetadata().getNamespace();
            if (serviceName == null) {
                continue;
            }
            boolean inMesh = index.meshService(ns, serviceName).isPresent();
            if (!inMesh && !ingressSources.contains(Refs.of(ns, serviceName))) {
                continue;
            }
            Map<String, Endpoint> endpoints = byService.computeIfAbsent(Refs.of(ns, serviceName), k -> new TreeMap<>());
            List<EndpointPort> ports = new ArrayList<>();
            if (slice.getPorts() != null) {
                for (var p : slice.getPorts()) {
                    if (p.getPort() != null) {
                        ports.add(EndpointPort.newBuilder().setName(Objects.toString(p.getName(), "")).setPort(p.getPort()).build());
                    }
                }
            }
            ports.sort(Comparator.comparing(EndpointPort::getPort).thenComparing(EndpointPort::getName));
            if (slice.getEndpoints() == null) {
                continue;
            }
            for (var e : slice.getEndpoints()) {
                boolean ready = e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
                if (!ready || e.getAddresses() == null) {
                    continue;
                }
                Endpoint.Builder template = Endpoint.newBuilder().addAllPorts(ports).setReady(true);
                var target = e.getTargetRef();
                if (inMesh && target != null && "Pod".equals(target.getKind()) && target.getName() != null) {
                    String podNs = Refs.orDefault(target.getNamespace(), ns);
                    template.setPod(Refs.of(podNs, target.getName()));
                    template.setPodUid(Objects.toString(target.getUid(), ""));
                    String sa = index.pod(podNs, target.getName()).map(ServiceTranslator::serviceAccount)
                            .orElse(DEFAULT_SERVICE_ACCOUNT);
                    template.setIdentity(Refs.identity(podNs, sa));
                }
                for (String address : e.getAddresses()) {
                    endpoints.putIfAbsent(address, template.clone().setAddress(address).build());
                }
            }
        }
        List<ServiceEndpoints> out = new ArrayList<>();
        byService.forEach((service, endpoints) -> out.add(ServiceEndpoints.newBuilder()
                .setService(service).addAllEndpoints(endpoints.values()).build()));
        return out;
    }

    /**
     * Pods of enrolled namespaces that have the sidecar, are neither finished nor terminating, and back
     * no mesh Service: no Service's selector matches them and no EndpointSlice names them, ready or not.
     * Judged that way, a starting pod behind a Service is never listed, so its proxy group does not
     * change when it becomes ready. In pod order, as the inputs are sorted.
     */
    static List<ServicelessPod> servicelessPods(MeshIndex index, MeshInputs inputs) {
        Set<ObjectRef> named = new TreeSet<>(Refs.ORDER);
        for (EndpointSlice slice : index.inMesh(inputs.endpointSlices())) {
            for (var e : slice.getEndpoints() == null ? List.<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint>of()
                    : slice.getEndpoints()) {
                var target = e.getTargetRef();
                if (target != null && "Pod".equals(target.getKind()) && target.getName() != null) {
                    named.add(Refs.of(Refs.orDefault(target.getNamespace(), slice.getMetadata().getNamespace()), target.getName()));
                }
            }
        }
        Map<String, List<io.fabric8.kubernetes.api.model.Service>> servicesByNamespace = new TreeMap<>();
        index.inMesh(inputs.services()).forEach(service -> servicesByNamespace
                .computeIfAbsent(service.getMetadata().getNamespace(), ns -> new ArrayList<>()).add(service));
        List<ServicelessPod> out = new ArrayList<>();
        for (Pod pod : index.inMesh(inputs.pods())) {
            // the selector check last: only pods no EndpointSlice names get that far
            if (hasSidecar(pod) && !finishedOrTerminating(pod) && !named.contains(Refs.of(pod))
                    && servicesByNamespace.getOrDefault(pod.getMetadata().getNamespace(), List.of()).stream()
                            .noneMatch(service -> selects(service, pod))) {
                out.add(ServicelessPod.newBuilder().setPod(Refs.of(pod))
                        .setPodUid(Objects.toString(pod.getMetadata().getUid(), ""))
                        .setIdentity(Refs.identity(pod.getMetadata().getNamespace(), serviceAccount(pod)))
                        .build());
            }
        }
        return out;
    }

    /** Whether the Service's (non-empty) selector matches the pod's labels. */
    private static boolean selects(io.fabric8.kubernetes.api.model.Service service, Pod pod) {
        Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
        Map<String, String> labels = pod.getMetadata().getLabels();
        return selector != null && !selector.isEmpty() && labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    private static boolean hasSidecar(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null && labels.containsKey(MeshLabels.PROXY_UUID);
    }

    private static boolean finishedOrTerminating(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase) || pod.getMetadata().getDeletionTimestamp() != null;
    }

    /** ServiceAccounts of enrolled namespaces, and those their pods run as. */
    static List<WorkloadIdentity> identities(MeshIndex index, MeshInputs inputs) {
        TreeSet<Identity> identities = new TreeSet<>(Refs.IDENTITY_ORDER);
        for (ServiceAccount sa : index.inMesh(inputs.serviceAccounts())) {
            identities.add(Refs.identity(sa.getMetadata().getNamespace(), sa.getMetadata().getName()));
        }
        for (Pod pod : index.inMesh(inputs.pods())) {
            identities.add(Refs.identity(pod.getMetadata().getNamespace(), serviceAccount(pod)));
        }
        List<WorkloadIdentity> out = new ArrayList<>();
        for (Identity id : identities) {
            out.add(WorkloadIdentity.newBuilder().setIdentity(id)
                    .setSpiffeId(io.qmesh.api.Identity.of(id.getNamespace(), id.getServiceAccount())
                            .spiffeId(index.settings.getTrustDomain()))
                    .build());
        }
        return out;
    }

    static String serviceAccount(Pod pod) {
        String sa = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
        return Refs.orDefault(sa, DEFAULT_SERVICE_ACCOUNT);
    }
}
