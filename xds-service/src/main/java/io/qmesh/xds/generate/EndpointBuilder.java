package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServicePort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/** EDS: one ClusterLoadAssignment per reachable service port, with its ready endpoints only. */
public final class EndpointBuilder {

    private EndpointBuilder() {
    }

    public static List<ClusterLoadAssignment> build(PolicyIndex index, Set<Ref> reachable) {
        List<ClusterLoadAssignment> result = new ArrayList<>();
        for (Ref ref : reachable) {
            Service service = index.services().get(ref);
            for (ServicePort port : ServicePorts.sorted(service)) {
                result.add(index.assignment(ref, port, () -> assignment(index, ref, port)));
            }
        }
        return result;
    }

    static ClusterLoadAssignment assignment(PolicyIndex index, Ref service, ServicePort port) {
        LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
        index.endpoints(service).stream()
                .filter(Endpoint::getReady)
                .sorted(Comparator.comparing(Endpoint::getAddress))
                .forEach(e -> {
                    OptionalInt p = ServicePorts.endpointPort(e, port);
                    if (p.isPresent() && !e.getAddress().isEmpty()) {
                        locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(
                                io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                                        .setAddress(Protos.address(e.getAddress(), p.getAsInt()))));
                    }
                });
        ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder()
                .setClusterName(ResourceNames.cluster(service, port.getPort()));
        if (locality.getLbEndpointsCount() > 0) {
            cla.addEndpoints(locality);
        }
        return cla.build();
    }
}
