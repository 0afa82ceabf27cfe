package io.qmesh.xds.generate;

import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.ObjectRef;

/**
 * Every name qmesh gives an Envoy resource, in one place. Names are what `qmeshctl proxy config`,
 * Envoy's stats and access logs show, so they are stable and readable:
 * <ul>
 *   <li>outbound cluster {@code <ns>/<svc>|<port>}, its EDS resource the same;</li>
 *   <li>inbound (local) cluster {@code <ns>/<svc>|<port>|local};</li>
 *   <li>route configurations {@code rds-outbound|<port>} and {@code rds-inbound|<port>};</li>
 *   <li>SDS secrets {@code service-cert:<ns>/<sa>} and {@code root-cert:<trust-domain>};</li>
 *   <li>filter chains {@code outbound|<ns>/<svc>|<port>} (TCP), {@code outbound-http|<port>},
 *       {@code inbound|<ns>/<svc>|<port>}, {@code ingress|<ns>/<svc>|<port>},
 *       {@code egress|<host>|<port>}, {@code egress-passthrough};</li>
 *   <li>virtual hosts: the cluster name (outbound), {@code inbound|<ns>/<svc>|<port>}, {@code egress|<host>|<port>};</li>
 *   <li>egress clusters {@code egress|<host>|<port>}; fixed clusters {@code passthrough-outbound},
 *       {@code envoy-admin}, {@code tracing-collector};</li>
 *   <li>RBAC policies: the allow rule's source {@code <ns>/<name>} (a TrafficTarget), with
 *       {@code |<match>} for each HTTPRouteGroup match it allows; {@code permissive} in permissive mode;</li>
 *   <li>proxy groups {@code <ns>/<sa>[<ns>/<svc>,…][<port>,…]} (see {@link ProxyGroup#key()});</li>
 *   <li>proxyless gRPC: client listeners {@code <svc>.<ns>.svc.cluster.local:<port>} (the {@code xds:///}
 *       target's authority), their routes {@code grpc-route|<ns>/<svc>|<port>}; server listeners
 *       {@code grpc/server?xds.resource.listening_address=0.0.0.0:<port>} (the bootstrap's
 *       {@link #PROXYLESS_SERVER_LISTENER_TEMPLATE}), their filter chain and routes {@code grpc-inbound|<port>};
 *       the certificate provider instance {@value #PROXYLESS_CERTIFICATE_PROVIDER} of the bootstrap.</li>
 * </ul>
 */
public final class ResourceNames {

    public static final String OUTBOUND_LISTENER = "outbound-listener";
    public static final String INBOUND_LISTENER = "inbound-listener";
    public static final String PROMETHEUS_LISTENER = "prometheus-listener";
    public static final String PROMETHEUS_ROUTES = "prometheus-routes";
    public static final String PASSTHROUGH_CLUSTER = "passthrough-outbound";
    public static final String PASSTHROUGH_FILTER_CHAIN = "egress-passthrough";
    public static final String ADMIN_CLUSTER = "envoy-admin";
    public static final String TRACING_CLUSTER = "tracing-collector";
    public static final String PERMISSIVE_POLICY = "permissive";

    /** Envoy's well-known ports in a qmesh sidecar. */
    public static final int ADMIN_PORT = 15000;
    public static final int OUTBOUND_PORT = 15001;
    public static final int INBOUND_PORT = 15003;
    public static final int PROMETHEUS_PORT = 15010;

    private ResourceNames() {
    }

    public static String cluster(ObjectRef service, int port) {
        return service.getNamespace() + "/" + service.getName() + "|" + port;
    }

    public static String localCluster(ObjectRef service, int port) {
        return cluster(service, port) + "|local";
    }

    public static String outboundRoutes(int port) {
        return "rds-outbound|" + port;
    }

    public static String inboundRoutes(int port) {
        return "rds-inbound|" + port;
    }

    public static String serviceCertificate(Identity identity) {
        return "service-cert:" + identity;
    }

    public static String trustBundle(String trustDomain) {
        return "root-cert:" + trustDomain;
    }

    public static String outboundTcpChain(Ref service, int port) {
        return "outbound|" + service + "|" + port;
    }

    public static String outboundHttpChain(int port) {
        return "outbound-http|" + port;
    }

    public static String inboundChain(Ref service, int port) {
        return "inbound|" + service + "|" + port;
    }

    public static String ingressChain(Ref service, int port) {
        return "ingress|" + service + "|" + port;
    }

    public static String cluster(Ref service, int port) {
        return service + "|" + port;
    }

    public static String localCluster(Ref service, int port) {
        return cluster(service, port) + "|local";
    }

    public static String inboundVirtualHost(Ref service, int port) {
        return "inbound|" + service + "|" + port;
    }

    public static String egress(String host, int port) {
        return "egress|" + host + "|" + port;
    }

    public static String rbacPolicy(Ref rule) {
        return rule.toString();
    }

    public static String rbacPolicy(Ref rule, String match) {
        return rule + "|" + match;
    }

    public static String ingressPolicy(Ref ingressBackend) {
        return "ingress|" + ingressBackend;
    }

    /** What a proxyless bootstrap sets as {@code server_listener_resource_name_template}. */
    public static final String PROXYLESS_SERVER_LISTENER_TEMPLATE = "grpc/server?xds.resource.listening_address=%s";
    /** The certificate provider instance a proxyless bootstrap defines (file_watcher on its workload certificate). */
    public static final String PROXYLESS_CERTIFICATE_PROVIDER = "qmesh";

    public static String proxylessClientListener(Ref service, int port) {
        return ServicePorts.fqdn(service) + ":" + port;
    }

    public static String proxylessRoutes(Ref service, int port) {
        return "grpc-route|" + service + "|" + port;
    }

    /** The listener grpc-java's XdsServerBuilder asks for when it serves on {@code port}. */
    public static String proxylessServerListener(int port) {
        return PROXYLESS_SERVER_LISTENER_TEMPLATE.replace("%s", "0.0.0.0:" + port);
    }

    public static String proxylessInbound(int port) {
        return "grpc-inbound|" + port;
    }
}
