package io.qmesh.ctl.check;

import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.AllowRule;
import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.HttpMatch;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.ServiceEndpoints;
import io.qmesh.api.mesh.v1.TrafficSplit;
import io.qmesh.api.mesh.v1.WeightedBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * "Would this call be allowed, and by what?" answered from a compiled MeshPolicy: permissive mode,
 * or the allow rule (TrafficTarget) and route match that lets the source identity reach every
 * identity behind the destination service (through its TrafficSplit backends, if any). Pure.
 */
public final class PolicyCheck {

    /** The call to judge. Empty port, path or method mean "any". */
    public record Call(Identity source, ObjectRef destination, OptionalInt port, Optional<String> path, Optional<String> method) {
    }

    /** The answer, the rule that decides (a TrafficTarget as ns/name, "permissive", or none), and why. */
    public record Verdict(boolean allowed, String rule, String reason) {
    }

    private PolicyCheck() {
    }

    public static Verdict check(MeshPolicy policy, Call call) {
        String destination = call.destination().getNamespace() + "/" + call.destination().getName();
        if (policy.getServicesList().stream().noneMatch(s -> s.getRef().equals(call.destination()))) {
            return new Verdict(false, "", "service " + destination + " is not in the mesh (its namespace is not enrolled, or it does not exist)");
        }
        if (policy.getSettings().getPermissiveTrafficPolicy()) {
            return new Verdict(true, "permissive", "permissive traffic policy mode is on: every mesh identity may reach every mesh service");
        }
        Set<Identity> targets = destinationIdentities(policy, call.destination());
        if (targets.isEmpty()) {
            return new Verdict(false, "", "service " + destination + " has no ready endpoints, so no identity serves it");
        }
        List<String> decidedBy = new ArrayList<>();
        for (Identity target : targets) {
            Optional<String> rule = allowing(policy, call, target);
            if (rule.isEmpty()) {
                return new Verdict(false, "", denial(policy, call, target, destination));
            }
            decidedBy.add(rule.get());
        }
        String rules = String.join(", ", new TreeSet<>(decidedBy));
        return new Verdict(true, rules, "identity " + call.source() + " may reach " + destination + " ("
                + targets.stream().map(Identity::toString).reduce((a, b) -> a + ", " + b).orElse("") + ") by " + rules);
    }

    /** The identities that answer calls to the service: its endpoints', or its split backends'. */
    static Set<Identity> destinationIdentities(MeshPolicy policy, ObjectRef service) {
        Set<Identity> identities = new TreeSet<>();
        Optional<TrafficSplit> split = policy.getTrafficSplitsList().stream().filter(s -> s.getApexService().equals(service)).findFirst();
        List<ObjectRef> backends = split.map(s -> s.getBackendsList().stream().filter(b -> b.getWeight() > 0)
                .map(WeightedBackend::getService).toList()).orElse(List.of(service));
        for (ServiceEndpoints endpoints : policy.getEndpointsList()) {
            if (backends.contains(endpoints.getService())) {
                endpoints.getEndpointsList().stream().filter(Endpoint::getReady).filter(Endpoint::hasIdentity)
                        .forEach(e -> identities.add(Identity.of(e.getIdentity().getNamespace(), e.getIdentity().getServiceAccount())));
            }
        }
        return identities;
    }

    private static Optional<String> allowing(MeshPolicy policy, Call call, Identity target) {
        for (AllowRule rule : rulesTo(policy, target)) {
            if (!sourceMatches(rule, call.source()) || !portMatches(rule, call.port())) {
                continue;
            }
            String name = rule.getSource().getNamespace() + "/" + rule.getSource().getName();
            if (rule.getHttpMatchesList().isEmpty()) {
                return Optional.of(name);
            }
            for (HttpMatch match : rule.getHttpMatchesList()) {
                if (httpMatches(match, call)) {
                    String headers = match.getHeadersList().isEmpty() ? "" : " (when headers "
                            + match.getHeadersList().stream().map(h -> h.getName() + "~" + h.getValueRegex()).toList() + " match)";
                    return Optional.of(name + " route " + match.getName() + headers);
                }
            }
        }
        return Optional.empty();
    }

    private static String denial(MeshPolicy policy, Call call, Identity target, String destination) {
        List<AllowRule> fromSource = rulesTo(policy, target).stream().filter(r -> sourceMatches(r, call.source())).toList();
        if (fromSource.isEmpty()) {
            return "no TrafficTarget allows identity " + call.source() + " to reach " + destination + " (identity " + target + ")";
        }
        List<String> routes = new ArrayList<>();
        fromSource.forEach(r -> {
            String name = r.getSource().getNamespace() + "/" + r.getSource().getName();
            if (!r.getPortsList().isEmpty()) {
                routes.add(name + " ports " + r.getPortsList());
            }
            r.getHttpMatchesList().forEach(m -> routes.add(name + " route " + m.getName() + " (" + describe(m) + ")"));
        });
        return "identity " + call.source() + " may reach " + destination + " only through " + String.join("; ", routes)
                + ", and " + describe(call) + " matches none of them";
    }

    private static List<AllowRule> rulesTo(MeshPolicy policy, Identity target) {
        return policy.getAllowRulesList().stream()
                .filter(r -> r.getDestination().getNamespace().equals(target.namespace())
                        && r.getDestination().getServiceAccount().equals(target.serviceAccount()))
                .toList();
    }

    private static boolean sourceMatches(AllowRule rule, Identity source) {
        return rule.getSourcesList().stream().anyMatch(s -> s.getNamespace().equals(source.namespace())
                && s.getServiceAccount().equals(source.serviceAccount()));
    }

    private static boolean portMatches(AllowRule rule, OptionalInt port) {
        return rule.getPortsList().isEmpty() || port.isEmpty() || rule.getPortsList().contains(port.getAsInt());
    }

    private static boolean httpMatches(HttpMatch match, Call call) {
        boolean anyMethod = match.getMethodsList().isEmpty() || match.getMethodsList().contains("*");
        boolean method = anyMethod || call.method().map(m -> match.getMethodsList().stream().anyMatch(m::equalsIgnoreCase)).orElse(true);
        boolean path = match.getPathRegex().isEmpty() || call.path().map(p -> fullMatch(match.getPathRegex(), p)).orElse(true);
        return method && path;
    }

    private static boolean fullMatch(String regex, String path) {
        try {
            return Pattern.compile(regex).matcher(path).matches();
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    private static String describe(HttpMatch match) {
        return (match.getMethodsList().isEmpty() ? "any method" : String.join("|", match.getMethodsList()))
                + " " + (match.getPathRegex().isEmpty() ? "any path" : match.getPathRegex());
    }

    private static String describe(Call call) {
        return call.method().map(m -> m.toUpperCase(Locale.ROOT)).orElse("any method") + " " + call.path().orElse("any path");
    }
}
