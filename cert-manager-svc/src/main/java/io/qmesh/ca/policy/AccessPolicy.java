package io.qmesh.ca.policy;

import io.qmesh.api.Identity;
import io.qmesh.ca.issue.LeafKind;
import io.qmesh.ca.issue.LeafSubject;
import io.qmesh.ca.issue.Refusal;
import io.qmesh.ca.issue.Refusal.Reason;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may obtain which kind of certificate, and for whom.
 *
 * <ul>
 * <li>a caller obtains a kind only if the kind's role lists it (defaults: xds-service WORKLOAD and
 * SERVING, sidecar-injector BOOTSTRAP and WEBHOOK);</li>
 * <li>WORKLOAD and BOOTSTRAP identities in a protected namespace (the control plane's) are refused,
 * so that a mesh component cannot mint another component's identity;</li>
 * <li>WEBHOOK and SERVING DNS names must name the caller's own Service: the Service named like the
 * caller's ServiceAccount, in its namespace ({@code <sa>.<ns>}, {@code <sa>.<ns>.svc},
 * {@code <sa>.<ns>.svc.<cluster-domain>}), so one component cannot obtain another's serving name.</li>
 * </ul>
 */
public record AccessPolicy(Map<LeafKind, Set<Identity>> allowed, Set<String> protectedNamespaces) {

    public AccessPolicy {
        EnumMap<LeafKind, Set<Identity>> copy = new EnumMap<>(LeafKind.class);
        allowed.forEach((kind, callers) -> copy.put(kind, Set.copyOf(callers)));
        allowed = Map.copyOf(copy);
        protectedNamespaces = Set.copyOf(protectedNamespaces);
    }

    public Optional<Refusal> decide(Identity caller, LeafSubject subject) {
        LeafKind kind = subject.kind();
        if (!allowed.getOrDefault(kind, Set.of()).contains(caller)) {
            return deny("caller " + caller + " may not obtain " + kind + " certificates (allowed: "
                    + new TreeSet<>(allowed.getOrDefault(kind, Set.of())) + ")");
        }
        if (kind.spiffe()) {
            Identity wanted = subject.identity();
            if (protectedNamespaces.contains(wanted.namespace())) {
                return deny("caller " + caller + " may not obtain " + kind + " identity " + wanted
                        + ": namespace " + wanted.namespace() + " is the control plane's");
            }
            return Optional.empty();
        }
        for (String name : subject.dnsNames()) {
            if (!ownService(name, caller)) {
                return deny("caller " + caller + " may not obtain " + kind + " DNS name " + name
                        + ": only the names of its own Service " + caller.serviceAccount() + "." + caller.namespace());
            }
        }
        return Optional.empty();
    }

    static boolean ownService(String dnsName, Identity caller) {
        String[] labels = dnsName.split("\\.", -1);
        return labels.length >= 2 && labels[0].equals(caller.serviceAccount()) && labels[1].equals(caller.namespace())
                && (labels.length == 2 || labels[2].equals("svc"));
    }

    private static Optional<Refusal> deny(String message) {
        return Optional.of(Refusal.of(Reason.PERMISSION_DENIED, message));
    }
}
