package io.qmesh.xds.generate;

import io.qmesh.api.Identity;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which services a proxy group may call, and therefore receives configuration for. In SMI mode only
 * services backed by an identity the group's identity is allowed to reach (plus the backends of a
 * reachable TrafficSplit apex, and apexes whose backends are reachable); in permissive mode every
 * service, which makes each group's configuration grow with the mesh.
 */
public final class Reachability {

    private Reachability() {
    }

    public static SortedSet<Ref> of(PolicyIndex index, ProxyGroup group) {
        SortedSet<Ref> result = new TreeSet<>();
        if (index.permissive()) {
            result.addAll(index.services().keySet());
            return result;
        }
        Set<Identity> allowed = index.allowedDestinations(group.identity());
        for (Ref service : index.services().keySet()) {
            if (index.identitiesOf(service).stream().anyMatch(allowed::contains)) {
                result.add(service);
            }
        }
        for (Ref service : index.services().keySet()) {
            var backends = index.splitBackends(service);
            if (result.contains(service) || backends.stream().anyMatch(result::contains)) {
                result.add(service);
                backends.stream().filter(b -> index.service(b).isPresent()).forEach(result::add);
            }
        }
        return result;
    }
}
