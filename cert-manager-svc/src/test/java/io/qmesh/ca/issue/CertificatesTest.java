package io.qmesh.ca.issue;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.api.Identity;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificatesTest {

    static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final TestRoots.Ca ROOT = TestRoots.root(CLOCK);
    static final LeafSubject BOOKSTORE = LeafSubject.spiffe(LeafKind.WORKLOAD, Identity.of("bookstore", "bookstore-v1"), "cluster.local");

    @Test
    void workloadLeaf_carriesOnlyTheSpiffeIdTheCaDecided_asCriticalSan() throws Exception {
        KeyPair keys = TestCsrs.ec("secp256r1");
        X509Certificate leaf = Certificates.leaf(BOOKSTORE, keys.getPublic(), ROOT.issuer(),
                Validity.bounded(Duration.ofHours(1), Duration.ofHours(24), CLOCK), TestRoots.serial());

        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(6, "spiffe://cluster.local/ns/bookstore/sa/bookstore-v1"));
        assertThat(leaf.getCriticalExtensionOIDs()).contains("2.5.29.17");
        assertThat(leaf.getSubjectX500Principal().getName()).isEmpty();
        assertThat(leaf.getPublicKey()).isEqualTo(keys.getPublic());
        leaf.verify(ROOT.certificate().getPublicKey(), Bc.PROVIDER);
    }

    @Test
    void leaf_usageIsDigitalSignatureServerAndClientAuth_notCa() throws Exception {
        X509Certificate leaf = Certificates.leaf(BOOKSTORE, TestCsrs.ec("secp256r1").getPublic(), ROOT.issuer(),
                Validity.bounded(null, Duration.ofHours(24), CLOCK), TestRoots.serial());

        assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(leaf.getKeyUsage()[2]).as("keyEncipherment for an EC key").isFalse();
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void rsaLeaf_alsoGetsKeyEncipherment() {
        X509Certificate leaf = Certificates.leaf(BOOKSTORE, TestCsrs.rsa(2048).getPublic(), ROOT.issuer(),
                Validity.bounded(null, Duration.ofHours(24), CLOCK), TestRoots.serial());

        assertThat(leaf.getKeyUsage()[0]).isTrue();
        assertThat(leaf.getKeyUsage()[2]).isTrue();
    }

    @Test
    void leaf_validityIsBackdatedForSkewAndBoundedByPolicy() {
        X509Certificate leaf = Certificates.leaf(BOOKSTORE, TestCsrs.ec("secp256r1").getPublic(), ROOT.issuer(),
                Validity.bounded(Duration.ofDays(30), Duration.ofHours(24), CLOCK), TestRoots.serial());

        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(NOW.minus(Validity.CLOCK_SKEW));
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(24)));
    }

    @Test
    void serials_are128RandomBits_andDiffer() {
        var serials = java.util.stream.IntStream.range(0, 200).mapToObj(i -> Serials.random128(TestCsrs.RANDOM)).toList();

        assertThat(serials).doesNotHaveDuplicates().allMatch(s -> s.signum() > 0 && s.bitLength() <= 128);
        assertThat(serials.stream().mapToInt(java.math.BigInteger::bitLength).max().orElseThrow()).isGreaterThan(120);
    }

    @Test
    void webhookLeaf_carriesTheServiceDnsNames_withFirstAsCommonName() throws Exception {
        LeafSubject webhook = LeafSubject.webhook(List.of("sidecar-injector.qmesh-system.svc", "sidecar-injector.qmesh-system"), "cluster.local");
        X509Certificate leaf = Certificates.leaf(webhook, TestCsrs.ec("secp256r1").getPublic(), ROOT.issuer(),
                Validity.bounded(null, Duration.ofHours(24), CLOCK), TestRoots.serial());

        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(
                List.of(2, "sidecar-injector.qmesh-system"), List.of(2, "sidecar-injector.qmesh-system.svc"));
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=sidecar-injector.qmesh-system");
    }

    @Test
    void root_isSelfSignedCaWithCertSignUsage() throws Exception {
        X509Certificate root = ROOT.certificate();

        root.verify(root.getPublicKey(), Bc.PROVIDER);
        assertThat(root.getBasicConstraints()).isEqualTo(1);
        assertThat(root.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(root.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
        assertThat(root.getSigAlgName()).isEqualTo("SHA256WITHECDSA");
    }
}
