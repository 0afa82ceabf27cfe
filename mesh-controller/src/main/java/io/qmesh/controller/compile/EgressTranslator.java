package io.qmesh.controller.compile;

import io.qmesh.api.crd.policy.Egress;
import io.qmesh.api.mesh.v1.AppProtocol;
import io.qmesh.api.mesh.v1.EgressPort;
import io.qmesh.api.mesh.v1.EgressRule;
import io.qmesh.api.mesh.v1.HttpMatch;
import io.qmesh.api.mesh.v1.Identity;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

/** Egress → EgressRule (only while MeshConfig enables egress). HTTPS ports are TLS passthrough: TCP by SNI. */
final class EgressTranslator {

    private EgressTranslator() {
    }

    static Translated<EgressRule> translate(Egress egress, MeshIndex index) {
        String ns = egress.getMetadata().getNamespace();
        Egress.Spec spec = egress.getSpec();
        if (spec == null) {
            return Translated.failed(Problem.missing("spec"));
        }
        if (!index.settings.getEgressEnabled()) {
            return Translated.failed(new Problem("spec", "EgressDisabled",
                    "egress is disabled in MeshConfig " + index.config.controlPlaneNamespace() + "/"
                            + index.config.meshConfigName() + " (spec.traffic.enableEgress); this Egress has no effect"));
        }
        if (spec.sources == null || spec.sources.isEmpty()) {
            return Translated.failed(Problem.missing("spec.sources"));
        }
        TreeSet<Identity> sources = new TreeSet<>(Refs.IDENTITY_ORDER);
        for (int i = 0; i < spec.sources.size(); i++) {
            Translated<Identity> s = AccessTranslator.serviceAccount(spec.sources.get(i), "spec.sources[" + i + "]", ns, index);
            if (!s.ok()) {
                return Translated.failed(s.problem());
            }
            sources.add(s.value());
        }
        List<String> hosts = spec.hosts == null ? List.of() : spec.hosts;
        List<String> ranges = spec.ipAddresses == null ? List.of() : spec.ipAddresses;
        if (hosts.isEmpty() && ranges.isEmpty()) {
            return Translated.failed(new Problem("spec.hosts", "MissingField", "spec.hosts or spec.ipAddresses is required"));
        }
        for (int i = 0; i < ranges.size(); i++) {
            if (!Cidrs.valid(ranges.get(i))) {
                return Translated.failed(Problem.invalid("spec.ipAddresses[" + i + "]",
                        "'" + ranges.get(i) + "' is not a CIDR range such as 10.0.0.0/8"));
            }
        }
        if (spec.ports == null || spec.ports.isEmpty()) {
            return Translated.failed(Problem.missing("spec.ports"));
        }
        TreeMap<Integer, AppProtocol> ports = new TreeMap<>();
        for (int i = 0; i < spec.ports.size(); i++) {
            Egress.Port p = spec.ports.get(i);
            String field = "spec.ports[" + i + "]";
            if (p == null || p.number == null || p.number < 1 || p.number > 65535) {
                return Translated.failed(Problem.invalid(field + ".number", "a port number (1-65535) is required"));
            }
            AppProtocol protocol = switch (p.protocol == null ? "" : p.protocol.toLowerCase(Locale.ROOT)) {
                case "http" -> AppProtocol.HTTP;
                case "https", "tcp" -> AppProtocol.TCP;
                default -> null;
            };
            if (protocol == null) {
                return Translated.failed(Problem.invalid(field + ".protocol", "'" + p.protocol + "' is not one of http, https, tcp"));
            }
            ports.put(p.number, protocol);
        }
        Translated<List<HttpMatch>> matches = HttpMatches.resolve(index, ns, spec.matches);
        if (matches.problem() != null) {
            return Translated.failed(matches.problem());
        }
        EgressRule.Builder out = EgressRule.newBuilder().setRef(Refs.of(egress)).addAllSources(sources)
                .addAllHosts(new TreeSet<>(hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList()))
                .addAllIpRanges(new TreeSet<>(ranges))
                .addAllHttpMatches(matches.value());
        ports.forEach((n, p) -> out.addPorts(EgressPort.newBuilder().setNumber(n).setAppProtocol(p)));
        return Translated.ok(out.build());
    }

    static final Comparator<EgressRule> ORDER = Comparator.comparing(EgressRule::getRef, Refs.ORDER);
}
