package io.qmesh.xds.serve;

import io.qmesh.api.mesh.v1.AllowRule;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.ServiceEndpoints;
import io.qmesh.xds.generate.GroupConfig;
import io.qmesh.xds.generate.PolicyIndex;
import io.qmesh.xds.generate.TestPolicies;
import io.qmesh.xds.generate.XdsGenerator;

/**
 * {@link XdsBenchmark}'s mesh: services {@code app/s0 … s<n-1>} with 10 endpoints each (pods
 * {@code s<i>-p<j>}), each allowed to call the next two; and the same mesh in permissive mode.
 */
final class SyntheticMesh {

    static final int ENDPOINTS_PER_SERVICE = 10;

    private SyntheticMesh() {
    }

    static MeshPolicy of(int services) {
        MeshPolicy.Builder policy = MeshPolicy.newBuilder().setSettings(TestPolicies.settings(false));
        for (int s = 0; s < services; s++) {
            policy.addServices(TestPolicies.service("app", "s" + s, "10.96." + (s / 250) + "." + (s % 250)));
            ServiceEndpoints.Builder eps = ServiceEndpoints.newBuilder().setService(TestPolicies.ref("app", "s" + s));
            for (int p = 0; p < ENDPOINTS_PER_SERVICE; p++) {
                eps.addEndpoints(TestPolicies.endpoint("app", "s" + s, "s" + s + "-p" + p,
                        "10." + (1 + s / 250) + "." + (s % 250) + "." + p));
            }
            policy.addEndpoints(eps);
            for (int d = 1; d <= 2; d++) {
                policy.addAllowRules(TestPolicies.allow("app", "s" + s + "-to-s" + ((s + d) % services),
                        TestPolicies.id("app", "s" + s), TestPolicies.id("app", "s" + ((s + d) % services))));
            }
        }
        return policy.build();
    }

    /** The policy mesh-controller compiles in permissive mode: the flag, and one rule per identity open to every source. */
    static MeshPolicy permissive(MeshPolicy smi, int services) {
        MeshPolicy.Builder policy = smi.toBuilder().clearAllowRules()
                .setSettings(smi.getSettings().toBuilder().setPermissiveTrafficPolicy(true));
        for (int s = 0; s < services; s++) {
            policy.addAllowRules(AllowRule.newBuilder()
                    .setSource(TestPolicies.ref("app", "permissive/s" + s)).setDestination(TestPolicies.id("app", "s" + s)));
        }
        return policy.build();
    }

    /** One proxy group's configuration on the permissive mesh of {@code services}: every service's resources. */
    static GroupConfig permissiveGroup(int services) {
        PolicyIndex index = PolicyIndex.of(permissive(of(services), services));
        return XdsGenerator.generate(index, index.groups().iterator().next());
    }

    /** {@code policy} with the first endpoint of service {@code service} moved to {@code address}. */
    static MeshPolicy withEndpoint(MeshPolicy policy, int service, String address) {
        var eps = policy.getEndpoints(service).toBuilder();
        eps.setEndpoints(0, eps.getEndpoints(0).toBuilder().setAddress(address));
        return policy.toBuilder().setEndpoints(service, eps).build();
    }
}
