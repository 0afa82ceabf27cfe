package io.qmesh.xds.generate;

import java.util.Comparator;
import java.util.Set;

/** (MeshPolicy, ProxyGroup) → the group's Envoy resources, through one builder per xDS kind. */
public final class XdsGenerator {

    private XdsGenerator() {
    }

    public static GroupConfig generate(PolicyIndex index, ProxyGroup group) {
        Set<Ref> reachable = Reachability.of(index, group);
        return new GroupConfig(group,
                ListenerBuilder.build(index, group, reachable).stream()
                        .sorted(Comparator.comparing(l -> l.getName())).toList(),
                RouteBuilder.build(index, group, reachable),
                ClusterBuilder.build(index, group, reachable),
                EndpointBuilder.build(index, reachable),
                Dependencies.of(index, group, reachable));
    }
}
