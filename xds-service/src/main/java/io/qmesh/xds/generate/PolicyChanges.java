package io.qmesh.xds.generate;

import com.google.protobuf.Message;
import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.AllowRule;
import io.qmesh.api.mesh.v1.EgressRule;
import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.IngressBackend;
import io.qmesh.api.mesh.v1.IngressTarget;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.RetryPolicy;
import io.qmesh.api.mesh.v1.ServiceEndpoints;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** The {@link Dependencies} keys whose inputs differ between two policies. */
public final class PolicyChanges {

    private PolicyChanges() {
    }

    public static SortedSet<String> between(MeshPolicy before, MeshPolicy after) {
        SortedSet<String> keys = new TreeSet<>();
        if (!before.getSettings().equals(after.getSettings())) {
            keys.add(Dependencies.SETTINGS);
        }
        Set<Ref> addedOrRemoved = new HashSet<>();
        diff(before.getServicesList(), after.getServicesList(), s -> Ref.of(s.getRef()), (b, a) -> {
            Ref ref = Ref.of((b != null ? b : a).getRef());
            keys.add(Dependencies.service(ref));
            if (b == null || a == null) {
                keys.add(Dependencies.SERVICE_SET);
                addedOrRemoved.add(ref);
            }
        });
        for (MeshPolicy policy : List.of(before, after)) {
            // the identities whose pods back a Service that came or went now back another set of services
            policy.getEndpointsList().stream().filter(e -> addedOrRemoved.contains(Ref.of(e.getService())))
                    .forEach(e -> identities(e).forEach(id -> keys.add(Dependencies.backs(id))));
            // a split's apex Service that came or went is reachable, or no more, by whoever reaches its backends
            policy.getTrafficSplitsList().stream().filter(t -> addedOrRemoved.contains(Ref.of(t.getApexService())))
                    .forEach(t -> t.getBackendsList().forEach(w -> keys.add(Dependencies.split(Ref.of(w.getService())))));
        }
        diff(before.getEndpointsList(), after.getEndpointsList(), e -> Ref.of(e.getService()), (b, a) -> {
            Ref service = Ref.of((b != null ? b : a).getService());
            keys.add(Dependencies.endpoints(service));
            Set<Identity> was = identities(b);
            Set<Identity> is = identities(a);
            if (!was.equals(is)) {
                was.forEach(id -> keys.add(Dependencies.backs(id)));
                is.forEach(id -> keys.add(Dependencies.backs(id)));
            }
        });
        diff(before.getAllowRulesList(), after.getAllowRulesList(), r -> Ref.of(r.getSource()), (b, a) -> {
            for (AllowRule rule : nonNull(b, a)) {
                keys.add(Dependencies.rulesTo(PolicyIndex.identity(rule.getDestination())));
                rule.getSourcesList().forEach(s -> keys.add(Dependencies.rulesFrom(PolicyIndex.identity(s))));
            }
        });
        diff(before.getTrafficSplitsList(), after.getTrafficSplitsList(), s -> Ref.of(s.getRef()), (b, a) -> {
            nonNull(b, a).forEach(s -> {
                keys.add(Dependencies.split(Ref.of(s.getApexService())));
                s.getBackendsList().forEach(w -> keys.add(Dependencies.split(Ref.of(w.getService()))));
            });
        });
        diff(before.getRetryPoliciesList(), after.getRetryPoliciesList(), r -> Ref.of(r.getRef()), (b, a) -> {
            for (RetryPolicy r : nonNull(b, a)) {
                keys.add(Dependencies.retryFrom(PolicyIndex.identity(r.getSource())));
            }
        });
        diff(before.getUpstreamTrafficSettingsList(), after.getUpstreamTrafficSettingsList(), u -> Ref.of(u.getRef()),
                (b, a) -> nonNull(b, a).forEach(u -> keys.add(Dependencies.trafficSetting(Ref.of(u.getService())))));
        diff(before.getEgressRulesList(), after.getEgressRulesList(), r -> Ref.of(r.getRef()), (b, a) -> {
            for (EgressRule r : nonNull(b, a)) {
                r.getSourcesList().forEach(s -> keys.add(Dependencies.egressFrom(PolicyIndex.identity(s))));
            }
        });
        diff(before.getIngressBackendsList(), after.getIngressBackendsList(), r -> Ref.of(r.getRef()), (b, a) -> {
            for (IngressBackend r : nonNull(b, a)) {
                for (IngressTarget t : r.getBackendsList()) {
                    keys.add(Dependencies.ingress(Ref.of(t.getService())));
                }
            }
        });
        return keys;
    }

    private static Set<Identity> identities(ServiceEndpoints endpoints) {
        Set<Identity> result = new TreeSet<>();
        if (endpoints != null) {
            endpoints.getEndpointsList().stream().filter(Endpoint::hasIdentity)
                    .forEach(e -> result.add(PolicyIndex.identity(e.getIdentity())));
        }
        return result;
    }

    @SafeVarargs
    private static <T> List<T> nonNull(T... items) {
        return java.util.Arrays.stream(items).filter(Objects::nonNull).toList();
    }

    /** The positional comparison; false (having reported nothing) when a position holds different keys. */
    private static <T extends Message> boolean diffAligned(List<T> before, List<T> after, Function<T, Ref> key,
            BiConsumer<T, T> changed) {
        List<Integer> differing = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            T b = before.get(i);
            T a = after.get(i);
            if (b == a) {
                continue;
            }
            if (!key.apply(b).equals(key.apply(a))) {
                return false;
            }
            if (!b.equals(a)) {
                differing.add(i);
            }
        }
        differing.forEach(i -> changed.accept(before.get(i), after.get(i)));
        return true;
    }

    private static <T extends Message> Map<Ref, T> byKey(List<T> items, Function<T, Ref> key) {
        Map<Ref, T> result = new HashMap<>();
        items.forEach(i -> result.put(key.apply(i), i));
        return result;
    }

    /**
     * Calls {@code changed(before, after)} for every key whose item differs (null when absent). Lists
     * in the same key order (as mesh-controller writes them) are compared position by position, where an
     * unchanged item is usually the very same instance; otherwise by key.
     */
    private static <T extends Message> void diff(List<T> before, List<T> after, Function<T, Ref> key,
            BiConsumer<T, T> changed) {
        if (before == after) {
            return;
        }
        if (before.size() == after.size() && diffAligned(before, after, key, changed)) {
            return;
        }
        Map<Ref, T> was = byKey(before, key);
        Map<Ref, T> is = byKey(after, key);
        Set<Ref> all = new HashSet<>(was.keySet());
        all.addAll(is.keySet());
        all.stream().sorted().forEach(ref -> {
            T b = was.get(ref);
            T a = is.get(ref);
            if (!Objects.equals(b, a)) {
                changed.accept(b, a);
            }
        });
    }
}
