package io.qmesh.xds.proxy;

import io.qmesh.api.Identity;
import io.qmesh.xds.generate.Pod;
import io.qmesh.xds.generate.PolicyIndex;
import io.qmesh.xds.generate.ProxyGroup;
import java.util.Optional;

/**
 * Decides whether a proxy may have the configuration of the group its node claims: the pod must be
 * an endpoint or a serviceless pod in the policy, its UID must match, and the SPIFFE identity of the client certificate
 * (when mTLS is on) must be the pod's identity. A proxy can never receive another identity's config.
 */
public final class ProxyAdmission {

    /** The admitted proxy's group, or the reason for refusal. */
    public record Decision(ProxyGroup group, String refusal) {
        public boolean admitted() {
            return group != null;
        }
    }

    private ProxyAdmission() {
    }

    public static Decision decide(ProxyNode node, Optional<Identity> peer, PolicyIndex index) {
        Pod pod = index.pods().get(node.pod());
        if (pod == null) {
            return refuse("pod " + node.pod() + " is not a meshed pod of the mesh policy (neither an endpoint nor a serviceless pod)");
        }
        if (!node.podUid().isEmpty() && !pod.uid().isEmpty() && !node.podUid().equals(pod.uid())) {
            return refuse("pod " + node.pod() + " has UID " + pod.uid() + ", node metadata says " + node.podUid());
        }
        if (peer.isPresent() && !peer.get().equals(pod.identity())) {
            return refuse("client certificate identity " + peer.get() + " is not pod " + node.pod() + "'s identity "
                    + pod.identity());
        }
        return new Decision(index.groupsByPod().get(node.pod()), null);
    }

    private static Decision refuse(String why) {
        return new Decision(null, why);
    }
}
