package io.qmesh.controller.compile;

import io.qmesh.api.crd.RouteRef;
import io.qmesh.api.crd.smi.HTTPRouteGroup;
import io.qmesh.api.mesh.v1.HeaderMatch;
import io.qmesh.api.mesh.v1.HttpMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** HTTPRouteGroup matches → HttpMatch, named {@code <HTTPRouteGroup>/<match>} so "why allowed" answers can cite them. */
final class HttpMatches {

    static final String ANY_PATH = ".*";

    private HttpMatches() {
    }

    /** Checks a route group on its own; the group's own Accepted condition reports this. */
    static Problem validate(HTTPRouteGroup group) {
        if (group.getSpec() == null || group.getSpec().matches == null || group.getSpec().matches.isEmpty()) {
            return Problem.missing("spec.matches");
        }
        TreeSet<String> names = new TreeSet<>();
        for (int i = 0; i < group.getSpec().matches.size(); i++) {
            HTTPRouteGroup.Match m = group.getSpec().matches.get(i);
            String field = "spec.matches[" + i + "]";
            if (m == null || Refs.blank(m.name)) {
                return Problem.missing(field + ".name");
            }
            if (!names.add(m.name)) {
                return new Problem(field + ".name", "DuplicateName", field + ".name '" + m.name + "' is used twice");
            }
            Problem regex = checkRegex(field + ".pathRegex", m.pathRegex);
            if (regex != null) {
                return regex;
            }
            if (m.headers != null) {
                for (Map.Entry<String, String> h : new TreeMap<>(m.headers).entrySet()) {
                    Problem header = checkRegex(field + ".headers." + h.getKey(), h.getValue());
                    if (header != null) {
                        return header;
                    }
                }
            }
        }
        return null;
    }

    static Problem checkRegex(String field, String regex) {
        if (regex == null) {
            return null;
        }
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            return new Problem(field, "InvalidRegex", field + " '" + regex + "' is not a regular expression: "
                    + e.getDescription());
        }
    }

    static HttpMatch translate(String groupName, HTTPRouteGroup.Match m) {
        HttpMatch.Builder out = HttpMatch.newBuilder()
                .setName(groupName + "/" + m.name)
                .setPathRegex(Refs.blank(m.pathRegex) ? ANY_PATH : m.pathRegex)
                .addAllMethods(methods(m.methods));
        if (m.headers != null) {
            new TreeMap<>(m.headers).forEach((name, value) -> out.addHeaders(
                    HeaderMatch.newBuilder().setName(name).setValueRegex(value == null ? ANY_PATH : value)));
        }
        return out.build();
    }

    /** Upper-cased and sorted; "*" anywhere means any method, i.e. an empty list. */
    static List<String> methods(List<String> methods) {
        if (methods == null || methods.contains("*")) {
            return List.of();
        }
        TreeSet<String> sorted = new TreeSet<>();
        methods.forEach(m -> sorted.add(m.toUpperCase(java.util.Locale.ROOT)));
        return new ArrayList<>(sorted);
    }

    /** Every match of a group (all of them, in name order). */
    static List<HttpMatch> all(HTTPRouteGroup group) {
        List<HttpMatch> out = new ArrayList<>();
        for (HTTPRouteGroup.Match m : group.getSpec().matches) {
            out.add(translate(group.getMetadata().getName(), m));
        }
        out.sort(java.util.Comparator.comparing(HttpMatch::getName));
        return out;
    }

    /**
     * The matches of the HTTPRouteGroups a resource's {@code spec.matches} names, by match name; a
     * reference that is not an accepted HTTPRouteGroup in {@code namespace} is a problem naming its field.
     */
    static Translated<List<HttpMatch>> resolve(MeshIndex index, String namespace, List<RouteRef> refs) {
        TreeMap<String, HttpMatch> matches = new TreeMap<>();
        for (int i = 0; refs != null && i < refs.size(); i++) {
            RouteRef ref = refs.get(i);
            String field = "spec.matches[" + i + "]";
            if (ref == null || !"HTTPRouteGroup".equals(ref.kind)) {
                return Translated.failed(Problem.invalid(field + ".kind", "must be HTTPRouteGroup"));
            }
            var group = index.httpRouteGroup(namespace, ref.name);
            if (group.isEmpty() || validate(group.get()) != null) {
                return Translated.failed(new Problem(field + ".name", "RouteNotFound",
                        field + ".name: HTTPRouteGroup " + namespace + "/" + ref.name + " does not exist or is not accepted"));
            }
            all(group.get()).forEach(m -> matches.put(m.getName(), m));
        }
        return Translated.ok(List.copyOf(matches.values()));
    }
}
