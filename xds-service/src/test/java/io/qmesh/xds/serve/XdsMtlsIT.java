package io.qmesh.xds.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.qmesh.xds.policy.PolicyHolder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ADS over mTLS: a proxy's identity is the SPIFFE URI SAN of its client certificate; a certificate
 * of another identity than the pod's is refused and receives nothing.
 */
@QuarkusTest
@WithKubernetesTestServer
@QuarkusTestResource(value = MtlsResource.class, restrictToAnnotatedClass = true)
class XdsMtlsIT {

    @Inject
    PolicyHolder holder;

    @BeforeEach
    void policyHeld() {
        await().atMost(Duration.ofSeconds(20)).until(() -> holder.current().isPresent());
    }

    static ChannelCredentials certificate(String serviceAccount) throws Exception {
        return TlsChannelCredentials.newBuilder()
                .keyManager(MtlsResource.dir.resolve(serviceAccount + ".pem").toFile(),
                        MtlsResource.dir.resolve(serviceAccount + ".key").toFile())
                .trustManager(MtlsResource.dir.resolve("root.pem").toFile())
                .build();
    }

    @Test
    void proxyWithItsPodsIdentity_receivesItsConfig() throws Exception {
        try (TestAdsClient buyer = new TestAdsClient(FakeMeshController.xdsPort, certificate("bookbuyer"), true,
                "bookbuyer", "bookbuyer-5d8f", "uid-buyer").start()) {
            TestAdsClient.Received first = buyer.next(20, TimeUnit.SECONDS);
            assertThat(first).as("config over mTLS").isNotNull();
            assertThat(first.resources()).isNotEmpty();
        }
    }

    @Test
    void certificateOfAnotherIdentity_isRefusedAndGetsNothing() throws Exception {
        try (TestAdsClient impostor = new TestAdsClient(FakeMeshController.xdsPort, certificate("bookstore-v1"), true,
                "bookbuyer", "bookbuyer-5d8f", "uid-buyer").start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> impostor.error() != null);
            assertThat(impostor.error()).hasMessageContaining("PERMISSION_DENIED")
                    .hasMessageContaining("client certificate identity bookstore/bookstore-v1 is not pod bookbuyer/bookbuyer-5d8f's identity bookbuyer/bookbuyer");
            assertThat(impostor.pending()).as("responses to the impostor").isZero();
        }
    }
}
