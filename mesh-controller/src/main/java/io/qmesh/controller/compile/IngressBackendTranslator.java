package io.qmesh.controller.compile;

import io.qmesh.api.crd.policy.IngressBackend;
import io.qmesh.api.mesh.v1.AppProtocol;
import io.qmesh.api.mesh.v1.IngressSource;
import io.qmesh.api.mesh.v1.IngressTarget;
import io.qmesh.api.mesh.v1.ObjectRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** IngressBackend → which mesh backends accept traffic from which ingress sources (Service, principal, IP range). */
final class IngressBackendTranslator {

    private IngressBackendTranslator() {
    }

    /** The Services the sources of these IngressBackends name: their pods' addresses are the allowed sources. */
    static Set<ObjectRef> sourceServices(Collection<io.qmesh.api.mesh.v1.IngressBackend> backends) {
        Set<ObjectRef> services = new TreeSet<>(Refs.ORDER);
        backends.forEach(b -> b.getSourcesList().stream().filter(IngressSource::hasService)
                .forEach(source -> services.add(source.getService())));
        return services;
    }

    static Translated<io.qmesh.api.mesh.v1.IngressBackend> translate(IngressBackend ib, MeshIndex index) {
        String ns = ib.getMetadata().getNamespace();
        IngressBackend.Spec spec = ib.getSpec();
        if (spec == null) {
            return Translated.failed(Problem.missing("spec"));
        }
        if (spec.backends == null || spec.backends.isEmpty()) {
            return Translated.failed(Problem.missing("spec.backends"));
        }
        List<IngressTarget> targets = new ArrayList<>();
        for (int i = 0; i < spec.backends.size(); i++) {
            IngressBackend.Backend b = spec.backends.get(i);
            String field = "spec.backends[" + i + "]";
            if (b == null || Refs.blank(b.name)) {
                return Translated.failed(Problem.missing(field + ".name"));
            }
            if (index.meshService(ns, b.name).isEmpty()) {
                return Translated.failed(new Problem(field + ".name", "BackendNotFound",
                        field + ".name: Service " + ns + "/" + b.name + " does not exist in the mesh"));
            }
            if (b.port == null || b.port.number == null || b.port.number < 1 || b.port.number > 65535) {
                return Translated.failed(Problem.invalid(field + ".port.number", "a port number (1-65535) is required"));
            }
            AppProtocol protocol = switch (b.port.protocol == null ? "" : b.port.protocol.toLowerCase(Locale.ROOT)) {
                case "http", "https" -> AppProtocol.HTTP;
                case "grpc" -> AppProtocol.GRPC;
                default -> null;
            };
            if (protocol == null) {
                return Translated.failed(Problem.invalid(field + ".port.protocol",
                        "'" + b.port.protocol + "' is not one of http, https, grpc"));
            }
            IngressTarget.Builder t = IngressTarget.newBuilder().setService(Refs.of(ns, b.name))
                    .setPort(b.port.number).setAppProtocol(protocol);
            if (b.tls != null && b.tls.sniHosts != null) {
                t.addAllSniHosts(new TreeSet<>(b.tls.sniHosts));
            }
            targets.add(t.build());
        }
        targets.sort(Comparator.comparing((IngressTarget t) -> t.getService().getName()).thenComparing(IngressTarget::getPort));
        if (spec.sources == null || spec.sources.isEmpty()) {
            return Translated.failed(Problem.missing("spec.sources"));
        }
        TreeSet<String> seen = new TreeSet<>();
        List<IngressSource> sources = new ArrayList<>();
        for (int i = 0; i < spec.sources.size(); i++) {
            IngressBackend.Source s = spec.sources.get(i);
            String field = "spec.sources[" + i + "]";
            if (s == null || Refs.blank(s.name)) {
                return Translated.failed(Problem.missing(field + ".name"));
            }
            IngressSource source;
            switch (s.kind == null ? "" : s.kind) {
                case "Service" -> {
                    String sns = Refs.orDefault(s.namespace, ns);
                    if (index.anyService(sns, s.name).isEmpty()) {
                        return Translated.failed(new Problem(field, "SourceNotFound",
                                field + ": Service " + sns + "/" + s.name + " does not exist"));
                    }
                    source = IngressSource.newBuilder().setService(Refs.of(sns, s.name)).build();
                }
                case "AuthenticatedPrincipal" -> source = IngressSource.newBuilder().setAuthenticatedPrincipal(s.name).build();
                case "IPRange" -> {
                    if (!Cidrs.valid(s.name)) {
                        return Translated.failed(Problem.invalid(field + ".name",
                                "'" + s.name + "' is not a CIDR range such as 10.0.0.0/8"));
                    }
                    source = IngressSource.newBuilder().setIpRange(s.name).build();
                }
                default -> {
                    return Translated.failed(Problem.invalid(field + ".kind",
                            "'" + s.kind + "' is not one of Service, AuthenticatedPrincipal, IPRange"));
                }
            }
            if (seen.add(sortKey(source))) {
                sources.add(source);
            }
        }
        sources.sort(Comparator.comparing(IngressBackendTranslator::sortKey));
        return Translated.ok(io.qmesh.api.mesh.v1.IngressBackend.newBuilder().setRef(Refs.of(ib))
                .addAllBackends(targets).addAllSources(sources).build());
    }

    private static String sortKey(IngressSource s) {
        return switch (s.getSourceCase()) {
            case SERVICE -> "1 " + Refs.text(s.getService());
            case AUTHENTICATED_PRINCIPAL -> "2 " + s.getAuthenticatedPrincipal();
            case IP_RANGE -> "3 " + s.getIpRange();
            default -> "9";
        };
    }
}
