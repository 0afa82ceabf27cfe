package io.qmesh.xds.generate;

import io.qmesh.api.Identity;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Proxies with the same identity, local services and ports: they get exactly the same Envoy
 * configuration and share one snapshot. {@link #key()} is the java-control-plane node group, and
 * two groups are equal when their keys are.
 */
public final class ProxyGroup {

    private final Identity identity;
    private final List<Ref> services;
    private final List<Integer> ports;
    /** Computed once: groups are sorted and looked up by key on every policy update. */
    private final String key;

    /**
     * @param identity the ServiceAccount of the pods
     * @param services the Services the pods back (kept sorted, without duplicates)
     * @param ports the pods' endpoint ports (kept sorted, without duplicates)
     */
    public ProxyGroup(Identity identity, List<Ref> services, List<Integer> ports) {
        this.identity = identity;
        this.services = services.stream().distinct().sorted().toList();
        this.ports = ports.stream().distinct().sorted().toList();
        this.key = identity + this.services.stream().map(Ref::toString).collect(Collectors.joining(",", "[", "]"))
                + this.ports.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }

    public Identity identity() {
        return identity;
    }

    public List<Ref> services() {
        return services;
    }

    public List<Integer> ports() {
        return ports;
    }

    /** {@code <ns>/<sa>[<svc>,…][<port>,…]}: stable, readable, unique per group. */
    public String key() {
        return key;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ProxyGroup g && key.equals(g.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key;
    }
}
