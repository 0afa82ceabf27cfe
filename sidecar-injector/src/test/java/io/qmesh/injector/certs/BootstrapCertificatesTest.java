package io.qmesh.injector.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qmesh.injector.ClusterSetup;
import io.qmesh.testing.TestClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Prefetched bootstrap certificates, against the test CA over gRPC. */
@QuarkusTest
@WithKubernetesTestServer(setup = ClusterSetup.class)
@QuarkusTestResource(TestCaResource.class)
class BootstrapCertificatesTest {

    @Inject
    CaClient ca;

    private final TestClock clock = new TestClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** The pool a test started, closed after it. */
    private BootstrapCertificates started;

    private BootstrapCertificates prefetching(int size) {
        started = new BootstrapCertificates(ca, size, clock, registry);
        return started;
    }

    @AfterEach
    void close() {
        if (started != null) {
            started.close();
        }
    }

    @Test
    void nextPodsOfAServiceAccount_getPrefetchedCertificates_eachHandedOutOnce() throws Exception {
        BootstrapCertificates certificates = prefetching(3);
        Set<String> serials = new HashSet<>();
        Set<String> keys = new HashSet<>();
        IssuedCertificate first = certificates.take("shop", "web", "shop/web-1");
        serials.add(first.serialNumber());
        keys.add(first.privateKeyPem());
        await().atMost(Duration.ofSeconds(20)).until(() -> certificates.ready("shop", "web") == 3);
        for (int pod = 2; pod <= 4; pod++) {
            IssuedCertificate cert = certificates.take("shop", "web", "shop/web-" + pod);
            assertThat(cert.certificateChainPem()).isNotBlank();
            serials.add(cert.serialNumber());
            keys.add(cert.privateKeyPem());
        }
        assertThat(serials).as("one certificate per pod").hasSize(4);
        assertThat(keys).as("one key per pod").hasSize(4);
        assertThat(count("prefetched")).isEqualTo(3);
        assertThat(count("on_demand")).isEqualTo(1);
        assertThat(certificates.ready("other", "web")).as("per ServiceAccount").isZero();
    }

    @Test
    void prefetchedCertificatesOlderThanMaxAge_areNotHandedOut() throws Exception {
        BootstrapCertificates certificates = prefetching(2);
        certificates.take("shop", "api", "shop/api-1");
        await().atMost(Duration.ofSeconds(20)).until(() -> certificates.ready("shop", "api") == 2);
        clock.advance(BootstrapCertificates.MAX_AGE.plusSeconds(1));
        certificates.take("shop", "api", "shop/api-2");
        assertThat(count("on_demand")).as("stale ones dropped, issued on demand").isEqualTo(2);
        assertThat(count("prefetched")).isZero();
    }

    @Test
    void prefetchedCertificateWithAThirdOfItsLifeGone_isNotHandedOut() throws Exception {
        // the tests' bootstrap certificates live 8 s (application.properties): a third is gone after 2.7 s
        TestClock now = new TestClock(Instant.now());
        started = new BootstrapCertificates(ca, 1, now, registry);
        started.take("shop", "cart", "shop/cart-1");
        await().atMost(Duration.ofSeconds(20)).until(() -> started.ready("shop", "cart") == 1);
        now.advance(Duration.ofSeconds(3));

        started.take("shop", "cart", "shop/cart-2");

        assertThat(count("prefetched")).isZero();
        assertThat(count("on_demand")).as("the stale one dropped, issued on demand").isEqualTo(2);
    }

    @Test
    void prefetchOff_issuesEveryCertificateDuringItsAdmission() throws Exception {
        BootstrapCertificates certificates = prefetching(0);
        certificates.take("shop", "db", "shop/db-1");
        certificates.take("shop", "db", "shop/db-2");
        assertThat(certificates.ready("shop", "db")).isZero();
        assertThat(count("on_demand")).isEqualTo(2);
    }

    private double count(String source) {
        return registry.get("qmesh_injector_bootstrap_certificates_total").tag("source", source).counter().count();
    }
}
