package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.qmesh.api.mesh.v1.MeshSettings;
import io.qmesh.api.mesh.v1.RateLimit;

/** The network filters every listener uses: HTTP connection manager, TCP proxy, network RBAC. */
final class HttpConnectionManagers {

    /**
     * Envoy finds the filter by its typed config; the legacy name is what java-control-plane's
     * {@code Snapshot.ensureConsistent()} looks for when it checks listener → route references.
     */
    static final String HCM = "envoy.http_connection_manager";
    static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
    static final String NETWORK_RBAC = "envoy.filters.network.rbac";
    static final String HTTP_RBAC = "envoy.filters.http.rbac";
    static final String ROUTER = "envoy.filters.http.router";

    /** The last HTTP filter of every HCM, built once. */
    private static final HttpFilter ROUTER_FILTER = HttpFilter.newBuilder().setName(ROUTER)
            .setTypedConfig(Protos.any(Router.getDefaultInstance())).build();

    private HttpConnectionManagers() {
    }

    /** Outbound HTTP on one port: routes by Host over RDS; tracing when MeshConfig enables it. */
    static Filter outbound(String statPrefix, String routeConfig, MeshSettings settings, String serviceName) {
        HttpConnectionManager.Builder hcm = base(statPrefix, settings, serviceName, "outbound")
                .setRds(Rds.newBuilder().setRouteConfigName(routeConfig).setConfigSource(Protos.ads()));
        hcm.addHttpFilters(ROUTER_FILTER);
        return filter(hcm.build());
    }

    /** Inbound HTTP: RBAC from the allow rules, local rate limits, then RDS to the local cluster. */
    static Filter inbound(String statPrefix, String routeConfig, RBAC rules, RateLimit requestLimit,
            MeshSettings settings, String serviceName) {
        HttpConnectionManager.Builder hcm = base(statPrefix, settings, serviceName, "inbound")
                .setRds(Rds.newBuilder().setRouteConfigName(routeConfig).setConfigSource(Protos.ads()))
                .setForwardClientCertDetails(HttpConnectionManager.ForwardClientCertDetails.SANITIZE_SET)
                .setSetCurrentClientCertDetails(HttpConnectionManager.SetCurrentClientCertDetails.newBuilder()
                        .setUri(true));
        hcm.addHttpFilters(HttpFilter.newBuilder().setName(HTTP_RBAC).setTypedConfig(Protos.any(
                io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder()
                        .setRules(rules).setRulesStatPrefix("inbound_rbac.").build())));
        hcm.addHttpFilters(HttpFilter.newBuilder().setName(RateLimitTranslator.HTTP_FILTER).setTypedConfig(
                Protos.any(RateLimitTranslator.http("inbound_rate_limit", requestLimit))));
        hcm.addHttpFilters(ROUTER_FILTER);
        return filter(hcm.build());
    }

    /** An HCM with its routes inline (the Prometheus listener, which needs no RDS). */
    static Filter inline(String statPrefix, RouteConfiguration routes) {
        return filter(HttpConnectionManager.newBuilder()
                .setStatPrefix(statPrefix)
                .setCodecType(HttpConnectionManager.CodecType.AUTO)
                .setRouteConfig(routes)
                .addHttpFilters(ROUTER_FILTER)
                .build());
    }

    static Filter tcpProxy(String statPrefix, String cluster, String direction) {
        return Filter.newBuilder().setName(TCP_PROXY).setTypedConfig(Protos.any(TcpProxy.newBuilder()
                .setStatPrefix(statPrefix)
                .setCluster(cluster)
                .addAccessLog(AccessLogTranslator.tcp(direction))
                .build())).build();
    }

    static Filter networkRbac(String statPrefix, RBAC rules) {
        return Filter.newBuilder().setName(NETWORK_RBAC).setTypedConfig(Protos.any(
                io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.newBuilder()
                        .setStatPrefix(statPrefix).setRules(rules).build())).build();
    }

    static Filter networkRateLimit(String statPrefix, RateLimit limit) {
        return Filter.newBuilder().setName(RateLimitTranslator.NETWORK_FILTER)
                .setTypedConfig(Protos.any(RateLimitTranslator.tcp(statPrefix, limit))).build();
    }

    private static HttpConnectionManager.Builder base(String statPrefix, MeshSettings settings, String serviceName,
            String direction) {
        HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(statPrefix)
                .setCodecType(HttpConnectionManager.CodecType.AUTO)
                .setGenerateRequestId(Protos.bool(true))
                .addAccessLog(AccessLogTranslator.http(direction));
        TracingTranslator.tracing(settings, serviceName).ifPresent(hcm::setTracing);
        return hcm;
    }

    private static Filter filter(HttpConnectionManager hcm) {
        return Filter.newBuilder().setName(HCM).setTypedConfig(Protos.any(hcm)).build();
    }
}
