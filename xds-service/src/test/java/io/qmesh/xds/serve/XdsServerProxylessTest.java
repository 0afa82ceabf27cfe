package io.qmesh.xds.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qmesh.api.mesh.v1.AppProtocol;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.xds.generate.MeshConfigs;
import io.qmesh.xds.generate.Ref;
import io.qmesh.xds.generate.ResourceNames;
import io.qmesh.xds.generate.TestPolicies;
import io.qmesh.xds.policy.PolicyHolder;
import io.qmesh.xds.proxy.ProxyNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Proxyless gRPC workloads get their configuration through XdsServer like sidecars, by the pod their node names. */
class XdsServerProxylessTest {

    @Test
    void proxylessWorkloadOfAPodThatBacksNoService_getsAClientListenerForEveryGrpcService() throws Exception {
        XdsServer server = new XdsServer(new PolicyHolder(), new SecretStore(), new XdsMetrics(new SimpleMeterRegistry()), 1);
        MeshPolicy.Builder policy = TestPolicies.pairs(1);
        // s0 speaks gRPC; the job pod backs no Service
        policy.setServices(0, policy.getServices(0).toBuilder()
                .setPorts(0, policy.getServices(0).getPorts(0).toBuilder().setAppProtocol(AppProtocol.GRPC)));
        policy.addServicelessPods(TestPolicies.serviceless("jobs", "runner", "job-1"));
        server.apply("v1", policy.build()).get();
        Node node = Node.newBuilder().setId("jobs/job-1").setMetadata(Struct.newBuilder()
                .putFields(ProxyNode.PROXYLESS, Value.newBuilder().setStringValue("true").build())
                .putFields(ProxyNode.POD_UID, Value.newBuilder().setStringValue("uid-job-1").build())).build();

        String group = server.groupOf(node);

        assertThat(group).startsWith(MeshConfigs.PROXYLESS_PREFIX).contains("jobs/runner");
        // the first proxyless workload of a group has its configuration generated on the policy thread
        await().atMost(Duration.ofSeconds(10)).until(() -> server.snapshot(group).isPresent());
        assertThat(server.snapshot(group).orElseThrow().listeners().resources().keySet())
                .containsExactly(ResourceNames.proxylessClientListener(Ref.of("app", "s0"), TestPolicies.PORT));
    }
}
