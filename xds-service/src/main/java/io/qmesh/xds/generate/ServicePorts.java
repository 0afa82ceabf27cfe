package io.qmesh.xds.generate;

import io.qmesh.api.mesh.v1.AppProtocol;
import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.EndpointPort;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServicePort;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;

/** Facts about service ports that several builders need. */
final class ServicePorts {

    private ServicePorts() {
    }

    /** HTTP unless declared TCP: an unspecified app protocol is treated as HTTP/1.1, as OSM did. */
    static boolean isHttp(AppProtocol protocol) {
        return protocol != AppProtocol.TCP;
    }

    static boolean isHttp2(AppProtocol protocol) {
        return protocol == AppProtocol.HTTP2 || protocol == AppProtocol.GRPC;
    }

    static List<ServicePort> sorted(Service service) {
        return service.getPortsList().stream().sorted(Comparator.comparingInt(ServicePort::getPort)).toList();
    }

    static int targetPort(ServicePort port) {
        return port.getTargetPort() > 0 ? port.getTargetPort() : port.getPort();
    }

    /** The endpoint's port for a service port: by name, else by target port number. */
    static OptionalInt endpointPort(Endpoint endpoint, ServicePort port) {
        for (EndpointPort p : endpoint.getPortsList()) {
            if (!port.getName().isEmpty() && p.getName().equals(port.getName())) {
                return OptionalInt.of(p.getPort());
            }
        }
        int target = targetPort(port);
        return endpoint.getPortsList().stream().mapToInt(EndpointPort::getPort).filter(p -> p == target).findFirst();
    }

    /** {@code <name>.<ns>.svc.cluster.local}: the SNI a client sends. */
    static String fqdn(Ref service) {
        return service.name() + "." + service.namespace() + ".svc.cluster.local";
    }

    /** Every name a client may use for the service: hostnames and cluster IPs, with and without port. */
    static List<String> domains(Service service, int port) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        Ref ref = Ref.of(service.getRef());
        names.add(ref.name());
        names.add(ref.name() + "." + ref.namespace());
        names.add(ref.name() + "." + ref.namespace() + ".svc");
        names.add(fqdn(ref));
        names.addAll(service.getHostnamesList());
        names.addAll(service.getClusterIpsList());
        java.util.List<String> result = new java.util.ArrayList<>();
        for (String name : names) {
            result.add(name);
            result.add(name + ":" + port);
        }
        return result;
    }
}
