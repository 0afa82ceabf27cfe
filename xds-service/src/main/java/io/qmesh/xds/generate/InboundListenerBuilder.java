package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.qmesh.api.mesh.v1.IngressBackend;
import io.qmesh.api.mesh.v1.IngressSource;
import io.qmesh.api.mesh.v1.IngressTarget;
import io.qmesh.api.mesh.v1.LocalRateLimit;
import io.qmesh.api.mesh.v1.RateLimit;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The inbound listener (15003): per local service port a chain that requires a client certificate
 * from the mesh trust bundle and applies RBAC from the allow rules (HTTP RBAC with the HTTPRouteGroup
 * matches, network RBAC for TCP); per IngressBackend a chain for the ingress controller's traffic.
 * Two local services on the same target port share the first one's chain.
 */
final class InboundListenerBuilder {

    private InboundListenerBuilder() {
    }

    static Listener build(PolicyIndex index, ProxyGroup group) {
        TreeMap<String, FilterChain> chains = new TreeMap<>();
        Set<Integer> targets = new TreeSet<>();
        for (Ref ref : group.services()) {
            Service service = index.services().get(ref);
            if (service == null) {
                continue;
            }
            for (ServicePort port : ServicePorts.sorted(service)) {
                int target = ServicePorts.targetPort(port);
                if (!targets.add(target)) {
                    continue;
                }
                String name = ResourceNames.inboundChain(ref, port.getPort());
                chains.put(name, FilterChain.newBuilder().setName(name)
                        .setFilterChainMatch(FilterChainMatch.newBuilder()
                                .setDestinationPort(Protos.u32(target)).setTransportProtocol("tls"))
                        .setTransportSocket(TlsTranslator.downstream(group.identity(), index.trustDomain()))
                        .addAllFilters(filters(index, group, ref, port, name,
                                RbacTranslator.rules(index, group, target, ServicePorts.isHttp(port.getAppProtocol()))))
                        .build());
                ingressChains(index, group, ref, port, chains);
            }
        }
        return Listener.newBuilder()
                .setName(ResourceNames.INBOUND_LISTENER)
                .setAddress(Protos.address("0.0.0.0", ResourceNames.INBOUND_PORT))
                .setTrafficDirection(TrafficDirection.INBOUND)
                .addListenerFilters(ListenerFilter.newBuilder().setName(ListenerBuilder.ORIGINAL_DST)
                        .setTypedConfig(Protos.any(OriginalDst.getDefaultInstance())))
                .addListenerFilters(ListenerBuilder.tlsInspector())
                .addAllFilterChains(chains.values())
                .build();
    }

    private static List<Filter> filters(PolicyIndex index, ProxyGroup group, Ref service, ServicePort port,
            String statPrefix, RBAC rules) {
        LocalRateLimit limits = index.trafficSetting(service).map(s -> s.getRateLimit()).orElse(null);
        List<Filter> filters = new ArrayList<>();
        if (ServicePorts.isHttp(port.getAppProtocol())) {
            RateLimit requests = limits != null && limits.hasHttpRequests() ? limits.getHttpRequests() : null;
            filters.add(HttpConnectionManagers.inbound(statPrefix,
                    ResourceNames.inboundRoutes(ServicePorts.targetPort(port)), rules, requests, index.settings(),
                    service.toString()));
            return filters;
        }
        if (limits != null && limits.hasTcpConnections()) {
            filters.add(HttpConnectionManagers.networkRateLimit(statPrefix, limits.getTcpConnections()));
        }
        filters.add(HttpConnectionManagers.networkRbac(statPrefix, rules));
        filters.add(HttpConnectionManagers.tcpProxy(statPrefix, ResourceNames.localCluster(service, port.getPort()),
                "inbound"));
        return filters;
    }

    /**
     * IngressBackend: plaintext from the given source ranges and services, or mTLS by SNI from the
     * authenticated principals when the backend lists SNI hosts.
     */
    private static void ingressChains(PolicyIndex index, ProxyGroup group, Ref service, ServicePort port,
            TreeMap<String, FilterChain> chains) {
        for (IngressBackend ingress : index.ingressTo(service)) {
            for (IngressTarget target : ingress.getBackendsList()) {
                if (!Ref.of(target.getService()).equals(service)
                        || (target.getPort() != port.getPort() && target.getPort() != ServicePorts.targetPort(port))) {
                    continue;
                }
                boolean tls = target.getSniHostsCount() > 0;
                String name = ResourceNames.ingressChain(service, port.getPort());
                FilterChainMatch.Builder match = FilterChainMatch.newBuilder()
                        .setDestinationPort(Protos.u32(ServicePorts.targetPort(port)))
                        .setTransportProtocol(tls ? "tls" : "raw_buffer");
                Policy.Builder policy = Policy.newBuilder().addPermissions(Permission.newBuilder().setAny(true));
                for (IngressSource source : ingress.getSourcesList()) {
                    switch (source.getSourceCase()) {
                        case IP_RANGE -> {
                            match.addSourcePrefixRanges(Protos.cidr(source.getIpRange()));
                            policy.addPrincipals(Principal.newBuilder().setDirectRemoteIp(Protos.cidr(source.getIpRange())));
                        }
                        case SERVICE -> index.endpoints(Ref.of(source.getService())).stream()
                                .map(e -> e.getAddress()).filter(a -> !a.isEmpty()).sorted().distinct()
                                .forEach(ip -> {
                                    match.addSourcePrefixRanges(Protos.cidr(ip));
                                    policy.addPrincipals(Principal.newBuilder().setDirectRemoteIp(Protos.cidr(ip)));
                                });
                        case AUTHENTICATED_PRINCIPAL -> policy.addPrincipals(RbacTranslator.authenticated(
                                Protos.exact(source.getAuthenticatedPrincipal())));
                        default -> { }
                    }
                }
                if (tls) {
                    target.getSniHostsList().stream().sorted().forEach(match::addServerNames);
                }
                if (policy.getPrincipalsCount() == 0) {
                    policy.addPrincipals(Principal.newBuilder().setAny(true));
                }
                RBAC rules = RBAC.newBuilder().setAction(RBAC.Action.ALLOW)
                        .putPolicies(ResourceNames.ingressPolicy(Ref.of(ingress.getRef())), policy.build()).build();
                FilterChain.Builder chain = FilterChain.newBuilder().setName(name).setFilterChainMatch(match)
                        .addAllFilters(filters(index, group, service, port, name, rules));
                if (tls) {
                    TransportSocket socket = TlsTranslator.downstream(group.identity(), index.trustDomain());
                    chain.setTransportSocket(socket);
                }
                chains.put(name, chain.build());
            }
        }
    }
}
