package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.Service;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** The client side of proxyless gRPC: what {@code xds:///<svc>.<ns>.svc.cluster.local:<port>} resolves through. */
final class ProxylessClientBuilder {

    private ProxylessClientBuilder() {
    }

    /** An API listener named as the target's authority; routes come over RDS on the same ADS stream. */
    static Listener listener(Ref service, int port) {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(ResourceNames.proxylessClientListener(service, port))
                .setRds(Rds.newBuilder().setConfigSource(Protos.ads())
                        .setRouteConfigName(ResourceNames.proxylessRoutes(service, port)))
                .addHttpFilters(router())
                .build();
        return Listener.newBuilder()
                .setName(ResourceNames.proxylessClientListener(service, port))
                .setApiListener(ApiListener.newBuilder().setApiListener(Protos.any(hcm)))
                .build();
    }

    /** One virtual host answering every name of the service; a TrafficSplit becomes weighted clusters. */
    static RouteConfiguration routes(PolicyIndex index, ProxyGroup group, Service service, int port) {
        Ref ref = Ref.of(service.getRef());
        RouteAction action = RouteBuilder.action(index, group, ref, port);
        if (action.hasRetryPolicy()) {
            action = action.toBuilder().setRetryPolicy(grpcRetry(action.getRetryPolicy())).build();
        }
        return RouteConfiguration.newBuilder()
                .setName(ResourceNames.proxylessRoutes(ref, port))
                .addVirtualHosts(VirtualHost.newBuilder()
                        .setName(ResourceNames.cluster(ref, port))
                        .addAllDomains(ServicePorts.domains(service, port))
                        .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")).setRoute(action)))
                .build();
    }

    /** An EDS cluster whose connections use mTLS with the workload certificate from the bootstrap's provider. */
    static Cluster cluster(PolicyIndex index, ProxyGroup group, Ref service, int port) {
        return Cluster.newBuilder()
                .setName(ResourceNames.cluster(service, port))
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(Protos.ads())
                        .setServiceName(ResourceNames.cluster(service, port)))
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
                .setTransportSocket(upstreamTls(index.identitiesOf(service), ServicePorts.fqdn(service), index.trustDomain()))
                .build();
    }

    private static TransportSocket upstreamTls(Set<Identity> destinations, String sni, String trustDomain) {
        CertificateValidationContext.Builder peer = CertificateValidationContext.newBuilder()
                .setCaCertificateProviderInstance(ProxylessTls.roots());
        destinations.stream().sorted().forEach(d -> peer.addMatchSubjectAltNames(Protos.exact(d.spiffeId(trustDomain))));
        UpstreamTlsContext context = UpstreamTlsContext.newBuilder()
                .setSni(sni)
                .setCommonTlsContext(CommonTlsContext.newBuilder()
                        .setTlsCertificateProviderInstance(ProxylessTls.workloadCertificate())
                        .setValidationContext(peer))
                .build();
        return TransportSocket.newBuilder().setName(TlsTranslator.TLS_SOCKET).setTypedConfig(Protos.any(context)).build();
    }

    /**
     * gRPC retries on status codes, not on HTTP conditions: the Envoy conditions a Retry resource
     * names become the gRPC codes that mean the same (5xx and connection failures → unavailable).
     */
    static RetryPolicy grpcRetry(RetryPolicy envoy) {
        Set<String> codes = new LinkedHashSet<>();
        for (String condition : Arrays.stream(envoy.getRetryOn().split(",")).map(String::trim).sorted().toList()) {
            switch (condition) {
                case "5xx", "gateway-error", "connect-failure", "reset", "refused-stream", "retriable-status-codes" -> codes.add("unavailable");
                case "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable" -> codes.add(condition);
                default -> { }
            }
        }
        return envoy.toBuilder().setRetryOn(String.join(",", codes.isEmpty() ? Set.of("unavailable") : codes)).build();
    }

    private static HttpFilter router() {
        return HttpFilter.newBuilder().setName(HttpConnectionManagers.ROUTER)
                .setTypedConfig(Protos.any(Router.getDefaultInstance())).build();
    }
}
