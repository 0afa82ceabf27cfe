package io.qmesh.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.qmesh.api.mesh.v1.MeshPolicyServiceGrpc;
import io.qmesh.api.mesh.v1.MeshPolicyUpdate;
import io.qmesh.api.mesh.v1.WatchRequest;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Part of local-mesh, run for real: the in-memory API and cert-manager-svc and mesh-controller as
 * processes from their packaged jars. The agent gets a workload certificate for a demo identity,
 * and the controller streams a policy holding the demo's services.
 */
class ControlPlaneIT {

    @Test
    void apiCaAndController_asProcesses_issueWorkloadCertificatesAndStreamThePolicy(@TempDir Path work) throws Exception {
        Layout layout = Layout.find(Path.of(""), work);
        try (Processes processes = new Processes(work.resolve("logs"));
             ControlPlane controlPlane = new ControlPlane(layout, processes)) {
            controlPlane.startApi(Duration.ofMinutes(2));
            ClusterState cluster = new ClusterState(controlPlane.client());
            cluster.apply(layout.k8s().resolve("01-namespace.yaml"));
            cluster.apply(layout.k8s().resolve("examples/meshconfig.yaml"));
            cluster.apply(layout.demoManifests().resolve("00-namespaces.yaml"));
            cluster.apply(layout.demoManifests().resolve("10-identities-and-services.yaml"));
            controlPlane.startService("cert-manager-svc", Duration.ofMinutes(2));
            controlPlane.startService("mesh-controller", Duration.ofMinutes(2));

            try (WorkloadCertificates agent = new WorkloadCertificates(controlPlane.caAddress(), controlPlane.agentToken())) {
                agent.issue("bookstore", "bookstore", work.resolve("bookstore"));
            }
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(Files.readAllBytes(work.resolve("bookstore/cert.pem"))));
            assertThat(leaf.getSubjectAlternativeNames()).anySatisfy(san ->
                    assertThat(san.get(1)).isEqualTo("spiffe://cluster.local/ns/bookstore/sa/bookstore"));

            ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + controlPlane.service("mesh-controller").grpcPort(),
                    InsecureChannelCredentials.create()).build();
            try {
                Iterator<MeshPolicyUpdate> updates = MeshPolicyServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .watch(WatchRequest.newBuilder().setSubscriber("local-mesh-test").build());
                MeshPolicyUpdate first = updates.next();
                assertThat(first.getFull().getServicesList()).extracting(s -> s.getRef().getNamespace() + "/" + s.getRef().getName())
                        .contains("bookstore/bookstore", "bookstore/bookstore-v1", "bookwarehouse/bookwarehouse");
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
