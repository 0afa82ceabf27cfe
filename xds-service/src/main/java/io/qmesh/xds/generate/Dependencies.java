package io.qmesh.xds.generate;

import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.IngressBackend;
import io.qmesh.api.mesh.v1.IngressSource;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The inputs a proxy group's configuration reads, as keys shared with {@link PolicyChanges}: a
 * policy change touching none of a group's keys cannot change its configuration.
 * <ul>
 *   <li>{@code settings} — mesh-wide settings (every group)</li>
 *   <li>{@code service:<ref>}, {@code endpoints:<ref>}, {@code split:<ref>}, {@code uts:<ref>},
 *       {@code ingress:<ref>} — per service (endpoints also of the Services an IngressBackend to a local
 *       service allows)</li>
 *   <li>{@code rules-to:<id>}, {@code rules-from:<id>}, {@code retry-from:<id>}, {@code egress-from:<id>},
 *       {@code backs:<id>} (the set of services an identity backs)</li>
 *   <li>{@code service-set} — services added or removed (permissive groups)</li>
 * </ul>
 */
public final class Dependencies {

    public static final String SETTINGS = "settings";
    public static final String SERVICE_SET = "service-set";

    private Dependencies() {
    }

    public static SortedSet<String> of(PolicyIndex index, ProxyGroup group, Set<Ref> reachable) {
        SortedSet<String> keys = new TreeSet<>();
        keys.add(SETTINGS);
        Identity id = group.identity();
        keys.add(rulesTo(id));
        keys.add(rulesFrom(id));
        keys.add(retryFrom(id));
        keys.add(egressFrom(id));
        if (index.permissive()) {
            keys.add(SERVICE_SET);
        } else {
            index.allowedDestinations(id).forEach(d -> keys.add(backs(d)));
        }
        for (Ref service : reachable) {
            keys.add(service(service));
            keys.add(endpoints(service));
            keys.add(split(service));
            keys.add(trafficSetting(service));
        }
        for (Ref local : group.services()) {
            keys.add(service(local));
            keys.add(trafficSetting(local));
            keys.add(ingress(local));
            // an IngressBackend that allows a Service's pods allows their addresses (InboundListenerBuilder)
            for (IngressBackend ingress : index.ingressTo(local)) {
                ingress.getSourcesList().stream().filter(IngressSource::hasService)
                        .forEach(source -> keys.add(endpoints(Ref.of(source.getService()))));
            }
        }
        return keys;
    }

    public static String service(Ref ref) {
        return "service:" + ref;
    }

    public static String endpoints(Ref ref) {
        return "endpoints:" + ref;
    }

    public static String split(Ref apex) {
        return "split:" + apex;
    }

    public static String trafficSetting(Ref service) {
        return "uts:" + service;
    }

    public static String ingress(Ref service) {
        return "ingress:" + service;
    }

    public static String rulesTo(Identity id) {
        return "rules-to:" + id;
    }

    public static String rulesFrom(Identity id) {
        return "rules-from:" + id;
    }

    public static String retryFrom(Identity id) {
        return "retry-from:" + id;
    }

    public static String egressFrom(Identity id) {
        return "egress-from:" + id;
    }

    public static String backs(Identity id) {
        return "backs:" + id;
    }
}
