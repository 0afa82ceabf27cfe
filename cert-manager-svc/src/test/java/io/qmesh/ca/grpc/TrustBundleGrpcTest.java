package io.qmesh.ca.grpc;

import static io.qmesh.ca.grpc.ApiServerPlay.XDS_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qmesh.api.certs.v1.CertificateAuthorityGrpc;
import io.qmesh.api.certs.v1.TrustBundle;
import io.qmesh.api.certs.v1.TrustedRoot;
import io.qmesh.api.certs.v1.WatchTrustBundleRequest;
import io.qmesh.ca.issue.Pem;
import io.qmesh.ca.issue.TestCsrs;
import io.qmesh.ca.root.RootRotation;
import io.qmesh.ca.trust.RootSet.Phase;
import io.qmesh.testing.ServiceEndpoints;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** WatchTrustBundle streams each phase of a root rotation; issuance follows the phases. */
@QuarkusTest
@WithKubernetesTestServer
class TrustBundleGrpcTest {

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    RootRotation rotation;

    @Test
    void watch_streamsEveryRotationPhase_andIssuanceSwitchesRootsInPhaseTwo() throws Exception {
        ApiServerPlay.tokenReviews(server);
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> ServiceEndpoints.assertReadyWith("ca-root"));
        ManagedChannel channel = CaClient.channel();
        try {
            BlockingQueue<Object> seen = watch(channel, XDS_TOKEN);
            TrustBundle first = next(seen);
            assertThat(first.getRootsList()).hasSize(1);
            assertThat(first.getRoots(0).getIssuing()).isTrue();
            assertThat(first.getVersion()).isEqualTo(sha256(first.getBundlePem()));
            String oldSerial = first.getRoots(0).getSerialNumber();

            assertThat(rotation.advanceNow()).contains(Phase.NEW_ROOT_TRUSTED);
            TrustBundle both = next(seen);
            assertThat(both.getRootsList()).extracting(TrustedRoot::getSerialNumber).hasSize(2).contains(oldSerial);
            assertThat(issuingSerial(both)).isEqualTo(oldSerial);
            assertThat(issuerOfNewLeaf(channel)).as("phase 1: the old root still signs").isEqualTo(subjectOf(both, oldSerial));

            assertThat(rotation.advanceNow()).contains(Phase.OLD_ROOT_RETIRING);
            TrustBundle switched = next(seen);
            String newSerial = issuingSerial(switched);
            assertThat(newSerial).isNotEqualTo(oldSerial);
            assertThat(switched.getRootsList()).hasSize(2);
            assertThat(issuerOfNewLeaf(channel)).as("phase 2: the new root signs").isEqualTo(subjectOf(switched, newSerial));

            assertThat(rotation.step(Instant.now().plus(Duration.ofHours(1)), false)).as("old leaves still valid")
                    .contains(Phase.OLD_ROOT_RETIRING);
            assertThat(rotation.step(Instant.now().plus(Duration.ofHours(25)), false)).contains(Phase.STEADY);
            TrustBundle after = next(seen);
            assertThat(after.getRootsList()).extracting(TrustedRoot::getSerialNumber).containsExactly(newSerial);

            var stored = server.getClient().secrets().inNamespace("qmesh-system").withName("qmesh-ca-root").get();
            String storedBundle = new String(java.util.Base64.getDecoder().decode(stored.getData().get("ca.crt")), StandardCharsets.US_ASCII);
            assertThat(storedBundle).as("what a restarting replica reads").isEqualTo(after.getBundlePem());
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void watchWithoutValidToken_isUnauthenticated() throws Exception {
        ApiServerPlay.tokenReviews(server);
        ManagedChannel channel = CaClient.channel();
        try {
            Object result = watch(channel, "nobody").poll(10, TimeUnit.SECONDS);
            assertThat(result).isInstanceOf(Status.class);
            assertThat(((Status) result).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        } finally {
            channel.shutdownNow();
        }
    }

    private static BlockingQueue<Object> watch(ManagedChannel channel, String token) {
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        CertificateAuthorityGrpc.newStub(channel).withCallCredentials(CaClient.bearer(token))
                .watchTrustBundle(WatchTrustBundleRequest.newBuilder().setSubscriber("test").build(), new StreamObserver<>() {
                    @Override
                    public void onNext(TrustBundle bundle) {
                        seen.add(bundle);
                    }

                    @Override
                    public void onError(Throwable t) {
                        seen.add(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        seen.add("completed");
                    }
                });
        return seen;
    }

    private static TrustBundle next(BlockingQueue<Object> seen) throws InterruptedException {
        Object next = seen.poll(10, TimeUnit.SECONDS);
        assertThat(next).isInstanceOf(TrustBundle.class);
        return (TrustBundle) next;
    }

    private static String issuingSerial(TrustBundle bundle) {
        return bundle.getRootsList().stream().filter(TrustedRoot::getIssuing).map(TrustedRoot::getSerialNumber).findFirst().orElseThrow();
    }

    private static String subjectOf(TrustBundle bundle, String serial) {
        return Pem.parseCertificates(bundle.getBundlePem()).stream().filter(c -> c.getSerialNumber().toString(16).equals(serial))
                .findFirst().orElseThrow().getSubjectX500Principal().getName();
    }

    private static String issuerOfNewLeaf(ManagedChannel channel) {
        var response = CaClient.as(channel, XDS_TOKEN).issue(CaClient.workload(TestCsrs.csr(TestCsrs.ec("secp256r1")), "bookstore", "bookstore"));
        return Pem.parseCertificates(response.getCertificateChainPem()).get(0).getIssuerX500Principal().getName();
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
    }
}
