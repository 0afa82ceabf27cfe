package io.qmesh.ctl.check;

import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.Identity;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServiceEndpoints;
import io.qmesh.api.mesh.v1.ServicePort;
import io.qmesh.api.mesh.v1.TrafficSplit;
import io.qmesh.api.mesh.v1.WeightedBackend;
import io.qmesh.controller.compile.AccessCheck;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * "Would a call from this identity to that service be allowed?" A service is answered by the
 * identities behind its ready endpoints (or its TrafficSplit backends'); the call is allowed only if
 * mesh-controller's {@link AccessCheck} allows it to every one of them. Pure.
 */
public final class PolicyCheck {

    /** The call to judge: HTTP when a path is given, otherwise a TCP connection. */
    public record Call(Identity source, ObjectRef destination, OptionalInt port, Optional<String> path, Optional<String> method,
            Map<String, String> headers) {
    }

    /** The answer, the deciding rule ({@code ns/name} of the TrafficTarget, or of the permissive rule) and its route match. */
    public record Verdict(boolean allowed, String rule, String match, String reason) {
        static Verdict deny(String reason) {
            return new Verdict(false, "", "", reason);
        }
    }

    private PolicyCheck() {
    }

    public static Verdict check(MeshPolicy policy, Call call) {
        String destination = call.destination().getNamespace() + "/" + call.destination().getName();
        Optional<Service> service = policy.getServicesList().stream().filter(s -> s.getRef().equals(call.destination())).findFirst();
        if (service.isEmpty()) {
            return Verdict.deny("service " + destination + " is not in the mesh (its namespace is not enrolled, or it does not exist)");
        }
        ServicePort port = port(service.get(), call.port());
        int targetPort = port.getTargetPort() > 0 ? port.getTargetPort() : port.getPort();
        Map<String, Identity> targets = destinationIdentities(policy, call.destination());
        if (targets.isEmpty()) {
            return Verdict.deny("service " + destination + " has no ready endpoints, so no identity serves it");
        }
        AccessCheck.Verdict last = null;
        for (Identity target : targets.values()) {
            AccessCheck.Call access = call.path().isPresent()
                    ? AccessCheck.Call.http(call.source(), target, targetPort, call.method().orElse("GET"), call.path().get(), call.headers())
                    : AccessCheck.Call.tcp(call.source(), target, targetPort);
            last = AccessCheck.check(policy, access);
            if (!last.allowed()) {
                return Verdict.deny(last.explanation());
            }
        }
        return new Verdict(true, last.rule().getNamespace() + "/" + last.rule().getName(), last.match(), last.explanation());
    }

    /** The service port the call goes to: the one named, or the only one. */
    static ServicePort port(Service service, OptionalInt requested) {
        List<ServicePort> ports = service.getPortsList();
        if (requested.isPresent()) {
            return ports.stream().filter(p -> p.getPort() == requested.getAsInt()).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("service " + service.getRef().getNamespace() + "/"
                            + service.getRef().getName() + " has no port " + requested.getAsInt() + "; it has " + numbers(ports)));
        }
        if (ports.size() != 1) {
            throw new IllegalArgumentException("service " + service.getRef().getNamespace() + "/" + service.getRef().getName()
                    + " has ports " + numbers(ports) + ": name one as service:port");
        }
        return ports.get(0);
    }

    /** The identities that answer calls to the service, by "ns/sa": its endpoints', or its split backends'. */
    static Map<String, Identity> destinationIdentities(MeshPolicy policy, ObjectRef service) {
        Optional<TrafficSplit> split = policy.getTrafficSplitsList().stream().filter(s -> s.getApexService().equals(service)).findFirst();
        List<ObjectRef> backends = split.map(s -> s.getBackendsList().stream().filter(b -> b.getWeight() > 0)
                .map(WeightedBackend::getService).toList()).orElse(List.of(service));
        Map<String, Identity> identities = new TreeMap<>();
        for (ServiceEndpoints endpoints : policy.getEndpointsList()) {
            if (backends.contains(endpoints.getService())) {
                endpoints.getEndpointsList().stream().filter(Endpoint::getReady).filter(Endpoint::hasIdentity)
                        .forEach(e -> identities.put(e.getIdentity().getNamespace() + "/" + e.getIdentity().getServiceAccount(),
                                e.getIdentity()));
            }
        }
        return identities;
    }

    private static List<Integer> numbers(List<ServicePort> ports) {
        return ports.stream().map(ServicePort::getPort).sorted(Comparator.naturalOrder()).toList();
    }
}
