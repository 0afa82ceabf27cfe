package io.qmesh.injector.patch;

import java.util.List;

/**
 * The init container's iptables-restore input (nat table). Outbound TCP goes to Envoy's 15001 and
 * inbound TCP to 15003, except: Envoy's own traffic (UID 1500), loopback, Envoy's admin, stats and
 * probe ports inbound, and the exclusions. With a non-empty inclusion list only those outbound
 * ranges are redirected. One rule per entry, in sorted order: the same inputs give the same text.
 */
public final class IptablesScript {

    public static final int OUTBOUND_PORT = 15001;
    public static final int INBOUND_PORT = 15003;
    public static final int ENVOY_UID = 1500;
    /** Inbound ports Envoy itself serves: admin, Prometheus stats, the rewritten probes. */
    public static final List<Integer> ENVOY_INBOUND_PORTS = List.of(15000, 15010, 15901, 15902, 15903, 15904);

    private IptablesScript() {
    }

    public static String render(TrafficExclusions exclusions) {
        StringBuilder s = new StringBuilder();
        s.append("*nat\n");
        s.append(":QMESH_INBOUND - [0:0]\n");
        s.append(":QMESH_IN_REDIRECT - [0:0]\n");
        s.append(":QMESH_OUTBOUND - [0:0]\n");
        s.append(":QMESH_OUT_REDIRECT - [0:0]\n");
        s.append("-A QMESH_IN_REDIRECT -p tcp -j REDIRECT --to-ports ").append(INBOUND_PORT).append('\n');
        s.append("-A QMESH_OUT_REDIRECT -p tcp -j REDIRECT --to-ports ").append(OUTBOUND_PORT).append('\n');

        s.append("-A PREROUTING -p tcp -j QMESH_INBOUND\n");
        for (int port : ENVOY_INBOUND_PORTS) {
            s.append("-A QMESH_INBOUND -p tcp --dport ").append(port).append(" -j RETURN\n");
        }
        for (int port : exclusions.inboundPorts()) {
            s.append("-A QMESH_INBOUND -p tcp --dport ").append(port).append(" -j RETURN\n");
        }
        s.append("-A QMESH_INBOUND -p tcp -j QMESH_IN_REDIRECT\n");

        s.append("-A OUTPUT -p tcp -j QMESH_OUTBOUND\n");
        s.append("-A QMESH_OUTBOUND -m owner --uid-owner ").append(ENVOY_UID).append(" -j RETURN\n");
        s.append("-A QMESH_OUTBOUND -o lo -j RETURN\n");
        s.append("-A QMESH_OUTBOUND -d 127.0.0.1/32 -j RETURN\n");
        for (int port : exclusions.outboundPorts()) {
            s.append("-A QMESH_OUTBOUND -p tcp --dport ").append(port).append(" -j RETURN\n");
        }
        for (String cidr : exclusions.outboundIpRanges()) {
            s.append("-A QMESH_OUTBOUND -d ").append(cidr).append(" -j RETURN\n");
        }
        if (exclusions.outboundIpRangesIncluded().isEmpty()) {
            s.append("-A QMESH_OUTBOUND -j QMESH_OUT_REDIRECT\n");
        } else {
            for (String cidr : exclusions.outboundIpRangesIncluded()) {
                s.append("-A QMESH_OUTBOUND -d ").append(cidr).append(" -j QMESH_OUT_REDIRECT\n");
            }
        }
        s.append("COMMIT\n");
        return s.toString();
    }
}
