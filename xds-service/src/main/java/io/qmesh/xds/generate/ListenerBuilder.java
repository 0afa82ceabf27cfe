package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.qmesh.api.mesh.v1.EgressPort;
import io.qmesh.api.mesh.v1.EgressRule;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServicePort;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * LDS: the outbound listener (15001, original destination; an HTTP chain per port over RDS, a TCP
 * chain per TCP service port, egress chains and passthrough), the inbound listener (see
 * {@link InboundListenerBuilder}) and the Prometheus listener (15010).
 */
public final class ListenerBuilder {

    static final String ORIGINAL_DST = "envoy.filters.listener.original_dst";
    static final String TLS_INSPECTOR = "envoy.filters.listener.tls_inspector";

    private ListenerBuilder() {
    }

    /**
     * The group's listeners. An inbound or outbound listener with nothing to match (a pod that backs no
     * Service; one that may call nothing, egress off) is left out: Envoy rejects a listener without
     * filter chains, and with none on its port a redirected connection is refused, which is the policy.
     */
    public static List<Listener> build(PolicyIndex index, ProxyGroup group, Set<Ref> reachable) {
        return Stream.of(InboundListenerBuilder.build(index, group), outbound(index, group, reachable), prometheus())
                .filter(l -> l.getFilterChainsCount() > 0 || l.hasDefaultFilterChain())
                .toList();
    }

    static Listener outbound(PolicyIndex index, ProxyGroup group, Set<Ref> reachable) {
        String serviceName = group.services().isEmpty() ? group.identity().toString() : group.services().get(0).toString();
        TreeMap<String, FilterChain> chains = new TreeMap<>();
        for (int port : RouteBuilder.outboundHttpPorts(index, group, reachable)) {
            String name = ResourceNames.outboundHttpChain(port);
            chains.put(name, FilterChain.newBuilder().setName(name)
                    .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(Protos.u32(port)))
                    .addFilters(HttpConnectionManagers.outbound(name, ResourceNames.outboundRoutes(port),
                            index.settings(), serviceName))
                    .build());
        }
        for (Ref ref : reachable) {
            Service service = index.services().get(ref);
            if (service.getClusterIpsCount() == 0) {
                continue;
            }
            for (ServicePort port : ServicePorts.sorted(service)) {
                if (ServicePorts.isHttp(port.getAppProtocol())) {
                    continue;
                }
                String name = ResourceNames.outboundTcpChain(ref, port.getPort());
                FilterChainMatch.Builder match = FilterChainMatch.newBuilder().setDestinationPort(Protos.u32(port.getPort()));
                service.getClusterIpsList().stream().sorted().forEach(ip -> match.addPrefixRanges(Protos.cidr(ip)));
                chains.put(name, FilterChain.newBuilder().setName(name).setFilterChainMatch(match)
                        .addFilters(HttpConnectionManagers.tcpProxy(name, ResourceNames.cluster(ref, port.getPort()),
                                "outbound"))
                        .build());
            }
        }
        boolean tlsEgress = egressChains(index, group, chains);
        Listener.Builder listener = Listener.newBuilder()
                .setName(ResourceNames.OUTBOUND_LISTENER)
                .setAddress(Protos.address("0.0.0.0", ResourceNames.OUTBOUND_PORT))
                .setTrafficDirection(TrafficDirection.OUTBOUND)
                .addListenerFilters(ListenerFilter.newBuilder().setName(ORIGINAL_DST)
                        .setTypedConfig(Protos.any(OriginalDst.getDefaultInstance())));
        if (tlsEgress) {
            listener.addListenerFilters(tlsInspector());
        }
        listener.addAllFilterChains(chains.values());
        if (index.settings().getEgressEnabled()) {
            listener.setDefaultFilterChain(FilterChain.newBuilder().setName(ResourceNames.PASSTHROUGH_FILTER_CHAIN)
                    .addFilters(HttpConnectionManagers.tcpProxy(ResourceNames.PASSTHROUGH_FILTER_CHAIN,
                            ResourceNames.PASSTHROUGH_CLUSTER, "egress")));
        }
        return listener.build();
    }

    /** Egress TCP/TLS chains: by SNI for hosts, by destination range for IP ranges. Returns whether SNI is used. */
    private static boolean egressChains(PolicyIndex index, ProxyGroup group, TreeMap<String, FilterChain> chains) {
        boolean sni = false;
        for (EgressRule rule : index.egressFrom(group.identity())) {
            for (EgressPort port : rule.getPortsList()) {
                if (RouteBuilder.isEgressHttp(port)) {
                    continue;
                }
                for (String host : rule.getHostsList()) {
                    String name = ResourceNames.egress(host, port.getNumber());
                    sni = true;
                    chains.put(name, FilterChain.newBuilder().setName(name)
                            .setFilterChainMatch(FilterChainMatch.newBuilder()
                                    .setDestinationPort(Protos.u32(port.getNumber())).addServerNames(host))
                            .addFilters(HttpConnectionManagers.tcpProxy(name, name, "egress"))
                            .build());
                }
                for (String range : rule.getIpRangesList()) {
                    String name = ResourceNames.egress(range, port.getNumber());
                    chains.put(name, FilterChain.newBuilder().setName(name)
                            .setFilterChainMatch(FilterChainMatch.newBuilder()
                                    .setDestinationPort(Protos.u32(port.getNumber())).addPrefixRanges(Protos.cidr(range)))
                            .addFilters(HttpConnectionManagers.tcpProxy(name, ResourceNames.PASSTHROUGH_CLUSTER, "egress"))
                            .build());
                }
            }
        }
        return sni;
    }

    static ListenerFilter tlsInspector() {
        return ListenerFilter.newBuilder().setName(TLS_INSPECTOR)
                .setTypedConfig(Protos.any(TlsInspector.getDefaultInstance())).build();
    }

    /** The same for every group: built once, so every snapshot shares (and hashes) one instance. */
    private static final Listener PROMETHEUS = buildPrometheus();

    static Listener prometheus() {
        return PROMETHEUS;
    }

    private static Listener buildPrometheus() {
        RouteConfiguration routes = RouteConfiguration.newBuilder().setName(ResourceNames.PROMETHEUS_ROUTES)
                .addVirtualHosts(VirtualHost.newBuilder().setName("prometheus").addDomains("*")
                        .addRoutes(Route.newBuilder().setName("stats")
                                .setMatch(RouteMatch.newBuilder().setPath("/stats/prometheus"))
                                .setRoute(RouteAction.newBuilder().setCluster(ResourceNames.ADMIN_CLUSTER))))
                .build();
        return Listener.newBuilder()
                .setName(ResourceNames.PROMETHEUS_LISTENER)
                .setAddress(Protos.address("0.0.0.0", ResourceNames.PROMETHEUS_PORT))
                .addFilterChains(FilterChain.newBuilder().setName("prometheus")
                        .addFilters(HttpConnectionManagers.inline("prometheus_stats", routes)))
                .build();
    }
}
