package io.qmesh.xds.generate;

import io.qmesh.api.Identity;
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
        for (Identity destination : index.allowedDestinations(group.identity())) {
            index.servicesBackedBy(destination).stream().filter(s -> index.service(s).isPresent()).forEach(result::add);
        }
        // a split's apex is reachable with its backends, in apex order as before
        for (Ref apex : index.splitApexes()) {
            var backends = index.splitBackends(apex);
            if (index.service(apex).isPresent() && (result.contains(apex) || backends.stream().anyMatch(result::contains))) {
                result.add(apex);
                backends.stream().filter(b -> index.service(b).isPresent()).forEach(result::add);
            }
        }
        return result;
    }
}
