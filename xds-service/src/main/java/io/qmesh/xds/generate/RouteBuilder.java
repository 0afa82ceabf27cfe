package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.qmesh.api.mesh.v1.EgressPort;
import io.qmesh.api.mesh.v1.EgressRule;
import io.qmesh.api.mesh.v1.RouteRateLimit;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServicePort;
import io.qmesh.api.mesh.v1.TrafficSplit;
import io.qmesh.api.mesh.v1.WeightedBackend;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * RDS: {@code rds-outbound|<port>} with a virtual host per reachable HTTP service on that port
 * (weighted clusters for a TrafficSplit apex, retries from Retry policies) and egress HTTP hosts;
 * {@code rds-inbound|<target port>} per local HTTP service port with its per-route rate limits.
 */
public final class RouteBuilder {

    private RouteBuilder() {
    }

    public static List<RouteConfiguration> build(PolicyIndex index, ProxyGroup group, Set<Ref> reachable) {
        List<RouteConfiguration> result = new ArrayList<>();
        outboundVirtualHosts(index, group, reachable).forEach((port, hosts) -> result.add(RouteConfiguration.newBuilder()
                .setName(ResourceNames.outboundRoutes(port)).addAllVirtualHosts(hosts).build()));
        inbound(index, group).forEach((port, host) -> result.add(RouteConfiguration.newBuilder()
                .setName(ResourceNames.inboundRoutes(port)).addVirtualHosts(host).build()));
        result.sort(java.util.Comparator.comparing(RouteConfiguration::getName));
        return result;
    }

    /** The outbound ports that carry HTTP (an HCM filter chain with RDS on the outbound listener). */
    public static SortedSet<Integer> outboundHttpPorts(PolicyIndex index, ProxyGroup group, Set<Ref> reachable) {
        return new TreeSet<>(outboundVirtualHosts(index, group, reachable).keySet());
    }

    /** Local HTTP target ports served through {@code rds-inbound|<port>}, with the service they route to. */
    static SortedMap<Integer, VirtualHost> inbound(PolicyIndex index, ProxyGroup group) {
        SortedMap<Integer, VirtualHost> result = new TreeMap<>();
        for (Ref ref : group.services()) {
            Service service = index.services().get(ref);
            if (service == null) {
                continue;
            }
            for (ServicePort port : ServicePorts.sorted(service)) {
                int target = ServicePorts.targetPort(port);
                if (ServicePorts.isHttp(port.getAppProtocol()) && !result.containsKey(target)) {
                    result.put(target, inboundHost(index, ref, port));
                }
            }
        }
        return result;
    }

    private static VirtualHost inboundHost(PolicyIndex index, Ref service, ServicePort port) {
        String local = ResourceNames.localCluster(service, port.getPort());
        VirtualHost.Builder host = VirtualHost.newBuilder()
                .setName(ResourceNames.inboundVirtualHost(service, port.getPort())).addDomains("*");
        index.trafficSetting(service).ifPresent(setting -> {
            int i = 0;
            for (RouteRateLimit limit : setting.getRouteRateLimitsList()) {
                Route.Builder route = Route.newBuilder().setName("rate-limit-" + i++)
                        .setMatch(match(limit.getPathRegex(), limit.getMethodsList()))
                        .setRoute(RouteAction.newBuilder().setCluster(local));
                if (limit.hasLimit()) {
                    route.putTypedPerFilterConfig(RateLimitTranslator.HTTP_FILTER,
                            Protos.any(RateLimitTranslator.http("inbound_route_rate_limit", limit.getLimit())));
                }
                host.addRoutes(route);
            }
        });
        host.addRoutes(Route.newBuilder().setName("default")
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster(local)));
        return host.build();
    }

    private static SortedMap<Integer, List<VirtualHost>> outboundVirtualHosts(PolicyIndex index, ProxyGroup group,
            Set<Ref> reachable) {
        SortedMap<Integer, List<VirtualHost>> byPort = new TreeMap<>();
        Map<Integer, Set<String>> usedDomains = new TreeMap<>();
        for (Ref ref : reachable) {
            Service service = index.services().get(ref);
            for (ServicePort port : ServicePorts.sorted(service)) {
                if (!ServicePorts.isHttp(port.getAppProtocol())) {
                    continue;
                }
                Set<String> used = usedDomains.computeIfAbsent(port.getPort(), k -> new HashSet<>());
                List<String> domains = ServicePorts.domains(service, port.getPort()).stream().filter(used::add).toList();
                if (domains.isEmpty()) {
                    continue;
                }
                Route.Builder route = Route.newBuilder().setName("default")
                        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRoute(action(index, group, ref, port.getPort()));
                byPort.computeIfAbsent(port.getPort(), k -> new ArrayList<>()).add(VirtualHost.newBuilder()
                        .setName(ResourceNames.cluster(ref, port.getPort()))
                        .addAllDomains(domains)
                        .addRoutes(route)
                        .build());
            }
        }
        for (EgressRule rule : index.egressFrom(group.identity())) {
            for (EgressPort port : rule.getPortsList()) {
                if (!isEgressHttp(port)) {
                    continue;
                }
                Set<String> used = usedDomains.computeIfAbsent(port.getNumber(), k -> new HashSet<>());
                for (String host : rule.getHostsList().stream().sorted().toList()) {
                    List<String> domains = java.util.stream.Stream.of(host, host + ":" + port.getNumber())
                            .filter(used::add).toList();
                    if (!domains.isEmpty()) {
                        byPort.computeIfAbsent(port.getNumber(), k -> new ArrayList<>()).add(VirtualHost.newBuilder()
                                .setName(ResourceNames.egress(host, port.getNumber()))
                                .addAllDomains(domains)
                                .addRoutes(Route.newBuilder().setName("default")
                                        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                                        .setRoute(RouteAction.newBuilder()
                                                .setCluster(ResourceNames.egress(host, port.getNumber()))))
                                .build());
                    }
                }
            }
        }
        if (index.settings().getEgressEnabled()) {
            byPort.values().forEach(hosts -> hosts.add(VirtualHost.newBuilder()
                    .setName(ResourceNames.PASSTHROUGH_FILTER_CHAIN).addDomains("*")
                    .addRoutes(Route.newBuilder().setName("default").setMatch(RouteMatch.newBuilder().setPrefix("/"))
                            .setRoute(RouteAction.newBuilder().setCluster(ResourceNames.PASSTHROUGH_CLUSTER)))
                    .build()));
        }
        return byPort;
    }

    /** Egress ports carry HTTP only when declared HTTP, HTTP2 or gRPC; otherwise TLS/TCP by SNI or range. */
    static boolean isEgressHttp(EgressPort port) {
        return port.getAppProtocol() == io.qmesh.api.mesh.v1.AppProtocol.HTTP || ServicePorts.isHttp2(port.getAppProtocol());
    }

    static RouteAction action(PolicyIndex index, ProxyGroup group, Ref service, int port) {
        RouteAction.Builder action = RouteAction.newBuilder();
        var split = index.splitOf(service).filter(s -> s.getBackendsList().stream()
                .anyMatch(b -> b.getWeight() > 0 && index.service(Ref.of(b.getService())).isPresent()));
        if (split.isPresent()) {
            action.setWeightedClusters(weighted(index, split.get(), port));
        } else {
            action.setCluster(ResourceNames.cluster(service, port));
        }
        RetryTranslator.forRoute(index, group, service).ifPresent(action::setRetryPolicy);
        return action.build();
    }

    private static WeightedCluster weighted(PolicyIndex index, TrafficSplit split, int port) {
        WeightedCluster.Builder weighted = WeightedCluster.newBuilder();
        split.getBackendsList().stream()
                .filter(b -> b.getWeight() > 0 && index.service(Ref.of(b.getService())).isPresent())
                .sorted(java.util.Comparator.comparing((WeightedBackend b) -> Ref.of(b.getService())))
                .forEach(b -> weighted.addClusters(WeightedCluster.ClusterWeight.newBuilder()
                        .setName(ResourceNames.cluster(Ref.of(b.getService()), port))
                        .setWeight(Protos.u32(b.getWeight()))));
        return weighted.build();
    }

    private static RouteMatch match(String pathRegex, List<String> methods) {
        RouteMatch.Builder match = RouteMatch.newBuilder();
        if (pathRegex.isEmpty()) {
            match.setPrefix("/");
        } else {
            match.setSafeRegex(Protos.regex(pathRegex));
        }
        List<String> real = methods.stream().filter(m -> !m.equals("*")).sorted().toList();
        if (!real.isEmpty()) {
            match.addHeaders(HeaderMatcher.newBuilder().setName(":method")
                    .setSafeRegexMatch(Protos.regex(String.join("|", real))));
        }
        return match.build();
    }
}
