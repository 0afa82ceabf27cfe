package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.qmesh.api.mesh.v1.AllowRule;
import io.qmesh.api.mesh.v1.HeaderMatch;
import io.qmesh.api.mesh.v1.HttpMatch;
import java.util.List;

/**
 * SMI allow rules (TrafficTargets, compiled into AllowRules) as Envoy RBAC: one ALLOW policy per rule
 * (and per HTTPRouteGroup match it allows), principals the sources' SPIFFE IDs. A request no policy
 * allows is denied, and Envoy names the outcome in its response code details.
 */
final class RbacTranslator {

    private RbacTranslator() {
    }

    /** Policies for one local port; {@code http} adds the rules' request matches as permissions. */
    static RBAC rules(PolicyIndex index, ProxyGroup group, int port, boolean http) {
        RBAC.Builder rbac = RBAC.newBuilder().setAction(RBAC.Action.ALLOW);
        if (index.permissive()) {
            rbac.putPolicies(ResourceNames.PERMISSIVE_POLICY, Policy.newBuilder()
                    .addPermissions(Permission.newBuilder().setAny(true))
                    .addPrincipals(authenticated(Protos.prefix("spiffe://" + index.trustDomain() + "/")))
                    .build());
            return rbac.build();
        }
        for (AllowRule rule : index.rulesTo(group.identity())) {
            if (!rule.getPortsList().isEmpty() && !rule.getPortsList().contains(port)) {
                continue;
            }
            List<Principal> principals = rule.getSourcesList().stream()
                    .map(s -> authenticated(Protos.exact(PolicyIndex.identity(s).spiffeId(index.trustDomain()))))
                    .toList();
            if (principals.isEmpty()) {
                continue;
            }
            Ref source = Ref.of(rule.getSource());
            if (!http || rule.getHttpMatchesList().isEmpty()) {
                rbac.putPolicies(ResourceNames.rbacPolicy(source), Policy.newBuilder()
                        .addPermissions(Permission.newBuilder().setAny(true)).addAllPrincipals(principals).build());
                continue;
            }
            for (HttpMatch match : rule.getHttpMatchesList()) {
                rbac.putPolicies(ResourceNames.rbacPolicy(source, match.getName()), Policy.newBuilder()
                        .addPermissions(permission(match)).addAllPrincipals(principals).build());
            }
        }
        return rbac.build();
    }

    static Principal authenticated(StringMatcher name) {
        return Principal.newBuilder()
                .setAuthenticated(Principal.Authenticated.newBuilder().setPrincipalName(name))
                .build();
    }

    /** An HTTPRouteGroup match: path regex, methods (any of), headers (all of). */
    static Permission permission(HttpMatch match) {
        Permission.Set.Builder all = Permission.Set.newBuilder();
        if (!match.getPathRegex().isEmpty()) {
            all.addRules(Permission.newBuilder().setUrlPath(PathMatcher.newBuilder()
                    .setPath(StringMatcher.newBuilder().setSafeRegex(Protos.regex(match.getPathRegex())))));
        }
        List<String> methods = match.getMethodsList().stream().filter(m -> !m.equals("*")).sorted().toList();
        if (!methods.isEmpty()) {
            Permission.Set.Builder any = Permission.Set.newBuilder();
            methods.forEach(m -> any.addRules(Permission.newBuilder().setHeader(HeaderMatcher.newBuilder()
                    .setName(":method").setStringMatch(Protos.exact(m)))));
            all.addRules(Permission.newBuilder().setOrRules(any));
        }
        for (HeaderMatch header : match.getHeadersList()) {
            all.addRules(Permission.newBuilder().setHeader(HeaderMatcher.newBuilder()
                    .setName(header.getName())
                    .setStringMatch(StringMatcher.newBuilder().setSafeRegex(Protos.regex(header.getValueRegex())))));
        }
        if (all.getRulesCount() == 0) {
            return Permission.newBuilder().setAny(true).build();
        }
        return Permission.newBuilder().setAndRules(all).build();
    }
}
