package io.qmesh.xds.generate;

import io.qmesh.api.Identity;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Proxies with the same identity, local services and ports: they get exactly the same Envoy
 * configuration and share one snapshot. {@link #key()} is the java-control-plane node group.
 *
 * @param identity the ServiceAccount of the pods
 * @param services the Services the pods back, sorted
 * @param ports the pods' endpoint ports, sorted
 */
public record ProxyGroup(Identity identity, List<Ref> services, List<Integer> ports) {

    public ProxyGroup {
        services = services.stream().distinct().sorted().toList();
        ports = ports.stream().distinct().sorted().toList();
    }

    /** {@code <ns>/<sa>[<svc>,…][<port>,…]}: stable, readable, unique per group. */
    public String key() {
        return identity + services.stream().map(Ref::toString).collect(Collectors.joining(",", "[", "]"))
                + ports.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }
}
