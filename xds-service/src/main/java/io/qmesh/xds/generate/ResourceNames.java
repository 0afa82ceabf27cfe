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
 *   <li>SDS secrets {@code service-cert:<ns>/<sa>} and {@code root-cert:<trust-domain>}.</li>
 * </ul>
 */
public final class ResourceNames {

    public static final String OUTBOUND_LISTENER = "outbound-listener";
    public static final String INBOUND_LISTENER = "inbound-listener";
    public static final String PROMETHEUS_LISTENER = "prometheus-listener";

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
}
