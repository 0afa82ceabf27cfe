package io.qmesh.controller.compile;

import io.qmesh.api.mesh.v1.AllowRule;
import io.qmesh.api.mesh.v1.HeaderMatch;
import io.qmesh.api.mesh.v1.HttpMatch;
import io.qmesh.api.mesh.v1.Identity;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * "Would this call be allowed, and by what?" answered from a compiled MeshPolicy, for
 * {@code qmeshctl policy check}: names the TrafficTarget and the route match that allow a call, or
 * says that no TrafficTarget allows the source identity to reach the destination.
 */
public final class AccessCheck {

    /** A call: source and destination identities, destination port, and for HTTP the method, path and headers. */
    public record Call(Identity source, Identity destination, int port, String method, String path, Map<String, String> headers) {

        public Call {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        public static Call tcp(Identity source, Identity destination, int port) {
            return new Call(source, destination, port, null, null, Map.of());
        }

        public static Call http(Identity source, Identity destination, int port, String method, String path, Map<String, String> headers) {
            return new Call(source, destination, port, method, path, headers);
        }
    }

    /** The answer; {@code rule} and {@code match} are empty when the call is denied or no route was needed. */
    public record Verdict(boolean allowed, ObjectRef rule, String match, String explanation) {
    }

    private AccessCheck() {
    }

    public static Verdict check(MeshPolicy policy, Call call) {
        List<AllowRule> reaching = new ArrayList<>();
        for (AllowRule rule : policy.getAllowRulesList()) {
            if (rule.getDestination().equals(call.destination())
                    && (rule.getSourcesCount() == 0 || rule.getSourcesList().contains(call.source()))
                    && (rule.getPortsCount() == 0 || rule.getPortsList().contains(call.port()))) {
                reaching.add(rule);
            }
        }
        String who = "identity " + Refs.text(call.source()) + " to reach " + Refs.text(call.destination());
        if (reaching.isEmpty()) {
            return new Verdict(false, ObjectRef.getDefaultInstance(), "",
                    "no TrafficTarget allows " + who + " on port " + call.port());
        }
        for (AllowRule rule : reaching) {
            String by = rule.getSource().getName().startsWith(AccessTranslator.PERMISSIVE_PREFIX)
                    ? "permissive traffic policy mode" : "TrafficTarget " + Refs.text(rule.getSource());
            if (rule.getHttpMatchesCount() == 0) {
                return new Verdict(true, rule.getSource(), "", by + " allows " + who + " on port " + call.port());
            }
            if (call.path() == null) {
                continue;
            }
            for (HttpMatch m : rule.getHttpMatchesList()) {
                if (matches(m, call)) {
                    return new Verdict(true, rule.getSource(), m.getName(),
                            by + " allows " + who + ": " + call.method() + " " + call.path() + " matches " + m.getName());
                }
            }
        }
        List<String> targets = reaching.stream().map(r -> Refs.text(r.getSource())).toList();
        return new Verdict(false, ObjectRef.getDefaultInstance(), "", "TrafficTarget " + String.join(", ", targets)
                + " allows " + who + ", but no route match allows "
                + (call.path() == null ? "a non-HTTP connection" : call.method() + " " + call.path()));
    }

    private static boolean matches(HttpMatch m, Call call) {
        if (!Pattern.compile(m.getPathRegex()).matcher(call.path()).matches()) {
            return false;
        }
        if (m.getMethodsCount() > 0 && (call.method() == null
                || !m.getMethodsList().contains(call.method().toUpperCase(Locale.ROOT)))) {
            return false;
        }
        for (HeaderMatch h : m.getHeadersList()) {
            String value = call.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(h.getName()))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            if (value == null || !Pattern.compile(h.getValueRegex()).matcher(value).matches()) {
                return false;
            }
        }
        return true;
    }
}
