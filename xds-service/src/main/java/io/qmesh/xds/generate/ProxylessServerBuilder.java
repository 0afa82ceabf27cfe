package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;

/**
 * The server side of proxyless gRPC: the listener XdsServerBuilder asks for on its port. Callers
 * must present a mesh certificate; RBAC from the allow rules decides (principals are SPIFFE IDs,
 * HTTPRouteGroup matches apply to the gRPC method path); a denied call fails PERMISSION_DENIED.
 */
final class ProxylessServerBuilder {

    private ProxylessServerBuilder() {
    }

    static Listener listener(PolicyIndex index, ProxyGroup group, int port) {
        String name = ResourceNames.proxylessInbound(port);
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(name)
                .setRouteConfig(RouteConfiguration.newBuilder().setName(name)
                        .addVirtualHosts(VirtualHost.newBuilder().setName(name).addDomains("*")
                                .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                                        .setNonForwardingAction(NonForwardingAction.getDefaultInstance()))))
                .addHttpFilters(HttpFilter.newBuilder().setName(HttpConnectionManagers.HTTP_RBAC)
                        .setTypedConfig(Protos.any(RBAC.newBuilder()
                                .setRules(RbacTranslator.rules(index, group, port, true)).build())))
                .addHttpFilters(HttpFilter.newBuilder().setName(HttpConnectionManagers.ROUTER)
                        .setTypedConfig(Protos.any(Router.getDefaultInstance())))
                .build();
        return Listener.newBuilder()
                .setName(ResourceNames.proxylessServerListener(port))
                .setAddress(Protos.address("0.0.0.0", port))
                .addFilterChains(FilterChain.newBuilder().setName(name)
                        .addFilters(Filter.newBuilder().setName(HttpConnectionManagers.HCM).setTypedConfig(Protos.any(hcm)))
                        .setTransportSocket(downstreamTls()))
                .build();
    }

    private static TransportSocket downstreamTls() {
        DownstreamTlsContext context = DownstreamTlsContext.newBuilder()
                .setRequireClientCertificate(Protos.bool(true))
                .setCommonTlsContext(CommonTlsContext.newBuilder()
                        .setTlsCertificateProviderInstance(ProxylessTls.workloadCertificate())
                        .setValidationContext(CertificateValidationContext.newBuilder()
                                .setCaCertificateProviderInstance(ProxylessTls.roots())))
                .build();
        return TransportSocket.newBuilder().setName(TlsTranslator.TLS_SOCKET).setTypedConfig(Protos.any(context)).build();
    }
}
