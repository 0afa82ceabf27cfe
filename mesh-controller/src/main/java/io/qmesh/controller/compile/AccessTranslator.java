package io.qmesh.controller.compile;

import io.qmesh.api.crd.SubjectRef;
import io.qmesh.api.crd.smi.HTTPRouteGroup;
import io.qmesh.api.crd.smi.TCPRoute;
import io.qmesh.api.crd.smi.TrafficTarget;
import io.qmesh.api.mesh.v1.AllowRule;
import io.qmesh.api.mesh.v1.HttpMatch;
import io.qmesh.api.mesh.v1.Identity;
import io.qmesh.api.mesh.v1.WorkloadIdentity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** TrafficTarget + HTTPRouteGroup / TCPRoute → AllowRule; in permissive mode, one open rule per identity. */
final class AccessTranslator {

    static final String PERMISSIVE_PREFIX = "permissive/";

    private AccessTranslator() {
    }

    static List<AllowRule> permissive(List<WorkloadIdentity> identities) {
        List<AllowRule> rules = new ArrayList<>();
        for (WorkloadIdentity id : identities) {
            Identity i = id.getIdentity();
            rules.add(AllowRule.newBuilder()
                    .setSource(Refs.of(i.getNamespace(), PERMISSIVE_PREFIX + i.getServiceAccount()))
                    .setDestination(i)
                    .build());
        }
        return rules;
    }

    static Translated<AllowRule> translate(TrafficTarget tt, MeshIndex index) {
        String ns = tt.getMetadata().getNamespace();
        TrafficTarget.Spec spec = tt.getSpec();
        if (spec == null) {
            return Translated.failed(Problem.missing("spec"));
        }
        Translated<Identity> destination = serviceAccount(spec.destination, "spec.destination", ns, index);
        if (!destination.ok()) {
            return Translated.failed(destination.problem());
        }
        if (spec.sources == null || spec.sources.isEmpty()) {
            return Translated.failed(Problem.missing("spec.sources"));
        }
        TreeSet<Identity> sources = new TreeSet<>(Refs.IDENTITY_ORDER);
        for (int i = 0; i < spec.sources.size(); i++) {
            Translated<Identity> source = serviceAccount(spec.sources.get(i), "spec.sources[" + i + "]", ns, index);
            if (!source.ok()) {
                return Translated.failed(source.problem());
            }
            sources.add(source.value());
        }
        if (spec.rules == null || spec.rules.isEmpty()) {
            return Translated.failed(new Problem("spec.rules", "MissingField",
                    "spec.rules is required: name an HTTPRouteGroup or a TCPRoute (deny by default)"));
        }
        TreeSet<Integer> ports = new TreeSet<>();
        boolean allPorts = false;
        TreeMap<String, HttpMatch> matches = new TreeMap<>();
        for (int r = 0; r < spec.rules.size(); r++) {
            TrafficTarget.Rule rule = spec.rules.get(r);
            String field = "spec.rules[" + r + "]";
            if (rule == null || Refs.blank(rule.kind)) {
                return Translated.failed(Problem.missing(field + ".kind"));
            }
            if (Refs.blank(rule.name)) {
                return Translated.failed(Problem.missing(field + ".name"));
            }
            if ("HTTPRouteGroup".equals(rule.kind)) {
                Optional<HTTPRouteGroup> group = index.httpRouteGroup(ns, rule.name);
                if (group.isEmpty()) {
                    return Translated.failed(new Problem(field + ".name", "RouteNotFound",
                            field + ".name: HTTPRouteGroup " + ns + "/" + rule.name + " does not exist"));
                }
                if (HttpMatches.validate(group.get()) != null) {
                    return Translated.failed(new Problem(field + ".name", "RouteNotAccepted",
                            field + ".name: HTTPRouteGroup " + ns + "/" + rule.name + " is not accepted: "
                                    + HttpMatches.validate(group.get()).message()));
                }
                List<HttpMatch> all = HttpMatches.all(group.get());
                if (rule.matches == null || rule.matches.isEmpty()) {
                    all.forEach(m -> matches.put(m.getName(), m));
                    continue;
                }
                for (int m = 0; m < rule.matches.size(); m++) {
                    String wanted = rule.name + "/" + rule.matches.get(m);
                    Optional<HttpMatch> found = all.stream().filter(x -> x.getName().equals(wanted)).findFirst();
                    if (found.isEmpty()) {
                        return Translated.failed(new Problem(field + ".matches[" + m + "]", "MatchNotFound",
                                field + ".matches[" + m + "]: HTTPRouteGroup " + ns + "/" + rule.name
                                        + " has no match named '" + rule.matches.get(m) + "'"));
                    }
                    matches.put(wanted, found.get());
                }
            } else if ("TCPRoute".equals(rule.kind)) {
                Optional<TCPRoute> route = index.tcpRoute(ns, rule.name);
                if (route.isEmpty()) {
                    return Translated.failed(new Problem(field + ".name", "RouteNotFound",
                            field + ".name: TCPRoute " + ns + "/" + rule.name + " does not exist"));
                }
                if (validate(route.get()) != null) {
                    return Translated.failed(new Problem(field + ".name", "RouteNotAccepted",
                            field + ".name: TCPRoute " + ns + "/" + rule.name + " is not accepted: "
                                    + validate(route.get()).message()));
                }
                List<Integer> routePorts = tcpPorts(route.get());
                if (routePorts.isEmpty()) {
                    allPorts = true;
                }
                ports.addAll(routePorts);
            } else {
                return Translated.failed(Problem.invalid(field + ".kind",
                        "'" + rule.kind + "' is not one of HTTPRouteGroup, TCPRoute"));
            }
        }
        AllowRule.Builder out = AllowRule.newBuilder()
                .setSource(Refs.of(tt))
                .addAllSources(sources)
                .setDestination(destination.value())
                .addAllHttpMatches(matches.values());
        if (!allPorts) {
            ports.forEach(out::addPorts);
        }
        return Translated.ok(out.build());
    }

    static List<Integer> tcpPorts(TCPRoute route) {
        if (route.getSpec() == null || route.getSpec().matches == null || route.getSpec().matches.ports == null) {
            return List.of();
        }
        return route.getSpec().matches.ports.stream().filter(p -> p != null).distinct().sorted(Comparator.naturalOrder()).toList();
    }

    static Problem validate(TCPRoute route) {
        List<Integer> ports = route.getSpec() == null || route.getSpec().matches == null
                || route.getSpec().matches.ports == null ? List.of() : route.getSpec().matches.ports;
        for (int i = 0; i < ports.size(); i++) {
            Integer p = ports.get(i);
            if (p == null || p < 1 || p > 65535) {
                return Problem.invalid("spec.matches.ports[" + i + "]", p + " is not a port number (1-65535)");
            }
        }
        return null;
    }

    /** A ServiceAccount subject in an enrolled namespace (the namespace defaults to the referring resource's). */
    static Translated<Identity> serviceAccount(SubjectRef ref, String field, String defaultNamespace, MeshIndex index) {
        if (ref == null) {
            return Translated.failed(Problem.missing(field));
        }
        if (!"ServiceAccount".equals(ref.kind)) {
            return Translated.failed(Problem.invalid(field + ".kind", "'" + ref.kind + "' must be ServiceAccount"));
        }
        if (Refs.blank(ref.name)) {
            return Translated.failed(Problem.missing(field + ".name"));
        }
        String ns = Refs.orDefault(ref.namespace, defaultNamespace);
        if (!index.isEnrolled(ns)) {
            return Translated.failed(new Problem(field + ".namespace", "NotInMesh",
                    field + ": ServiceAccount " + ns + "/" + ref.name + " is in namespace " + ns
                            + ", which is not enrolled in mesh " + index.config.meshName()));
        }
        return Translated.ok(Refs.identity(ns, ref.name));
    }
}
