package io.qmesh.ca.sign;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.qmesh.api.Identity;
import io.qmesh.ca.issue.LeafKind;
import io.qmesh.ca.issue.LeafSubject;
import io.qmesh.ca.issue.Pem;
import io.qmesh.ca.issue.TestCsrs;
import io.qmesh.ca.issue.TestRoots;
import io.qmesh.ca.issue.Validity;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A user's intermediate CA from a Secret on the mock API server signs, and serves its chain up to the user's root. */
class IntermediateSignerTest {

    static final Clock CLOCK = Clock.systemUTC();
    final KubernetesServer server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
    IntermediateSigner signer;

    @BeforeEach
    void start() {
        server.before();
    }

    @AfterEach
    void stop() {
        if (signer != null) {
            signer.stop();
        }
        server.after();
    }

    @Test
    void intermediateFromSecret_signsLeaves_chainReachesUsersRoot_bundleIsUsersRoot() throws Exception {
        TestRoots.Ca userRoot = TestRoots.root(CLOCK);
        TestRoots.Ca intermediate = TestRoots.intermediate(userRoot, CLOCK);
        secret(Map.of("tls.crt", Pem.encode(intermediate.certificate(), userRoot.certificate()),
                "tls.key", Pem.encode(intermediate.keys().getPrivate()), "ca.crt", Pem.encode(userRoot.certificate())));
        signer = new IntermediateSigner("qmesh-system", "qmesh-ca-intermediate");
        signer.start(server.getClient(), "qmesh-system", "qmesh-ca-intermediate");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> signer.notReady().isEmpty());

        var keys = TestCsrs.ec("secp256r1");
        Signer.SignedLeaf signed = signer.sign(new Signer.LeafRequest(
                LeafSubject.spiffe(LeafKind.WORKLOAD, Identity.of("bookstore", "bookstore"), "cluster.local"),
                keys.getPublic(), TestCsrs.csr(keys), Validity.bounded(null, Duration.ofHours(24), CLOCK)));

        signed.leaf().verify(intermediate.certificate().getPublicKey());
        assertThat(signed.chain()).containsExactly(intermediate.certificate(), userRoot.certificate());
        assertThat(signer.bundle().roots()).containsExactly(userRoot.certificate());
        assertThat(signer.name()).isEqualTo("intermediate");
    }

    @Test
    void secretWhoseKeyIsNotTheIntermediates_isNotReady_namingSecretAndField() throws Exception {
        TestRoots.Ca userRoot = TestRoots.root(CLOCK);
        TestRoots.Ca intermediate = TestRoots.intermediate(userRoot, CLOCK);
        secret(Map.of("tls.crt", Pem.encode(intermediate.certificate()), "tls.key", Pem.encode(userRoot.keys().getPrivate())));
        signer = new IntermediateSigner("qmesh-system", "qmesh-ca-intermediate");
        signer.start(server.getClient(), "qmesh-system", "qmesh-ca-intermediate");

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(signer.notReady()).get().asString()
                .contains("secret=qmesh-system/qmesh-ca-intermediate", "data.tls.key does not belong to"));
    }

    private void secret(Map<String, String> pem) {
        Map<String, String> data = new java.util.TreeMap<>();
        pem.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.US_ASCII))));
        server.getClient().secrets().inNamespace("qmesh-system").resource(new SecretBuilder().withNewMetadata()
                .withName("qmesh-ca-intermediate").withNamespace("qmesh-system").endMetadata()
                .withType("kubernetes.io/tls").withData(data).build()).create();
    }
}
