package io.qmesh.xds.generate;

import io.qmesh.api.mesh.v1.AllowRule;
import io.qmesh.api.mesh.v1.AppProtocol;
import io.qmesh.api.mesh.v1.EgressPort;
import io.qmesh.api.mesh.v1.EgressRule;
import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.EndpointPort;
import io.qmesh.api.mesh.v1.Identity;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshSettings;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.Service;
import io.qmesh.api.mesh.v1.ServiceEndpoints;
import io.qmesh.api.mesh.v1.ServicePort;
import io.qmesh.api.mesh.v1.TrafficSplit;
import io.qmesh.api.mesh.v1.WeightedBackend;

/** Small synthetic meshes for incremental and serving tests: service {@code ns/name} backed by identity {@code ns/name}. */
public final class TestPolicies {

    public static final int PORT = 8080;

    private TestPolicies() {
    }

    public static ObjectRef ref(String ns, String name) {
        return ObjectRef.newBuilder().setNamespace(ns).setName(name).build();
    }

    public static Identity id(String ns, String sa) {
        return Identity.newBuilder().setNamespace(ns).setServiceAccount(sa).build();
    }

    public static MeshSettings settings(boolean permissive) {
        return MeshSettings.newBuilder().setMeshName("qmesh").setTrustDomain("cluster.local")
                .setPermissiveTrafficPolicy(permissive).build();
    }

    public static Service service(String ns, String name, String clusterIp) {
        return Service.newBuilder().setRef(ref(ns, name)).addClusterIps(clusterIp)
                .addPorts(ServicePort.newBuilder().setName("http").setPort(PORT).setTargetPort(PORT)
                        .setAppProtocol(AppProtocol.HTTP))
                .build();
    }

    public static Endpoint endpoint(String ns, String sa, String pod, String ip) {
        return Endpoint.newBuilder().setAddress(ip).setReady(true).setPod(ref(ns, pod)).setPodUid("uid-" + pod)
                .setIdentity(id(ns, sa)).addPorts(EndpointPort.newBuilder().setName("http").setPort(PORT)).build();
    }

    public static ServiceEndpoints endpoints(String ns, String name, Endpoint... endpoints) {
        return ServiceEndpoints.newBuilder().setService(ref(ns, name)).addAllEndpoints(java.util.List.of(endpoints)).build();
    }

    /** A meshed pod {@code ns/pod} of identity {@code ns/sa} that backs no Service, UID {@code uid-<pod>}. */
    public static io.qmesh.api.mesh.v1.ServicelessPod serviceless(String ns, String sa, String pod) {
        return io.qmesh.api.mesh.v1.ServicelessPod.newBuilder().setPod(ref(ns, pod)).setPodUid("uid-" + pod)
                .setIdentity(id(ns, sa)).build();
    }

    public static AllowRule allow(String ruleNs, String ruleName, Identity source, Identity destination) {
        return AllowRule.newBuilder().setSource(ref(ruleNs, ruleName)).addSources(source).setDestination(destination).build();
    }

    public static TrafficSplit split(String ns, String name, String apex, int... weightsByBackendIndex) {
        TrafficSplit.Builder split = TrafficSplit.newBuilder().setRef(ref(ns, name)).setApexService(ref(ns, apex));
        for (int i = 0; i < weightsByBackendIndex.length; i++) {
            split.addBackends(WeightedBackend.newBuilder().setService(ref(ns, apex + "-v" + (i + 1)))
                    .setWeight(weightsByBackendIndex[i]));
        }
        return split.build();
    }

    /**
     * Services {@code app/s0..s(n-1)}, each with one pod of identity {@code app/s<i>} at 10.1.0.<i>, and
     * clients {@code client/c0..c(n-1)}: client ci may call service si only.
     */
    public static MeshPolicy.Builder pairs(int n) {
        MeshPolicy.Builder policy = MeshPolicy.newBuilder().setSettings(settings(false));
        for (int i = 0; i < n; i++) {
            policy.addServices(service("app", "s" + i, "10.96.1." + i));
            policy.addEndpoints(endpoints("app", "s" + i, endpoint("app", "s" + i, "s" + i + "-pod", "10.1.0." + i)));
            policy.addServices(service("client", "c" + i, "10.96.2." + i));
            policy.addEndpoints(endpoints("client", "c" + i, endpoint("client", "c" + i, "c" + i + "-pod", "10.2.0." + i)));
            policy.addAllowRules(allow("app", "c" + i + "-to-s" + i, id("client", "c" + i), id("app", "s" + i)));
        }
        return policy;
    }

    /** An egress rule for {@code client/<client>} with a range mesh-controller would have refused: a prefix length of 40. */
    public static EgressRule badEgressRuleFor(String client) {
        return EgressRule.newBuilder().setRef(ref("client", "bad")).addSources(id("client", client))
                .addIpRanges("10.0.0.0/40").addPorts(EgressPort.newBuilder().setNumber(443)).build();
    }
}
