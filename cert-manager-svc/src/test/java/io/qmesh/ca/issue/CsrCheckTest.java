package io.qmesh.ca.issue;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.api.Identity;
import io.qmesh.ca.issue.Refusal.Reason;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsrCheckTest {

    static final LeafSubject BOOKSTORE = LeafSubject.spiffe(LeafKind.WORKLOAD, Identity.of("bookstore", "bookstore-v1"), "cluster.local");
    static final LeafSubject WEBHOOK = LeafSubject.webhook(List.of("injector.qmesh-system.svc"), "cluster.local");

    @Test
    void p256CsrWithoutSans_isAcceptedWithItsKey() {
        KeyPair keys = TestCsrs.ec("secp256r1");

        assertThat(CsrCheck.check(TestCsrs.csr(keys), BOOKSTORE))
                .isEqualTo(new CsrCheck.Accepted(keys.getPublic()));
    }

    @Test
    void csrAskingForTheSameSpiffeId_isAccepted_p384AndRsa2048Too() {
        String spiffe = BOOKSTORE.spiffeId();
        assertThat(CsrCheck.check(TestCsrs.csr(TestCsrs.ec("secp384r1"), List.of(spiffe), List.of()), BOOKSTORE))
                .isInstanceOf(CsrCheck.Accepted.class);
        assertThat(CsrCheck.check(TestCsrs.csr(TestCsrs.rsa(2048)), BOOKSTORE)).isInstanceOf(CsrCheck.Accepted.class);
    }

    @Test
    void forgedSignature_isRefusedAsBadSignature() {
        assertRefused(TestCsrs.forged(TestCsrs.ec("secp256r1"), TestCsrs.ec("secp256r1")), BOOKSTORE,
                Reason.BAD_SIGNATURE, "does not verify");
    }

    @Test
    void rsa1024_isRefusedAsWeakKey() {
        assertRefused(TestCsrs.csr(TestCsrs.rsa(1024)), BOOKSTORE, Reason.WEAK_KEY, "1024 bits is below the minimum of 2048");
    }

    @Test
    void curveOtherThanP256OrP384_isRefusedAsWeakKey() {
        assertRefused(TestCsrs.csr(TestCsrs.ec("secp256k1")), BOOKSTORE, Reason.WEAK_KEY, "is not accepted (P-256 or P-384 only)");
    }

    @Test
    void csrClaimingAnotherIdentity_isRefusedAsMismatch() {
        assertRefused(TestCsrs.csr(TestCsrs.ec("secp256r1"), List.of("spiffe://cluster.local/ns/kube-system/sa/admin"), List.of()),
                BOOKSTORE, Reason.IDENTITY_MISMATCH, "spiffe://cluster.local/ns/kube-system/sa/admin but the request is for "
                        + BOOKSTORE.spiffeId());
    }

    @Test
    void webhookCsrAskingForAnExtraDnsName_isRefusedAsMismatch() {
        assertRefused(TestCsrs.csr(TestCsrs.ec("secp256r1"), List.of(), List.of("injector.qmesh-system.svc", "evil.example.com")),
                WEBHOOK, Reason.IDENTITY_MISMATCH, "evil.example.com which is not among");
    }

    @Test
    void garbage_isRefusedAsMalformed() {
        assertRefused("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", BOOKSTORE,
                Reason.MALFORMED_CSR, "not a readable PKCS#10");
        assertRefused("", BOOKSTORE, Reason.MALFORMED_CSR, "empty");
    }

    private static void assertRefused(String csr, LeafSubject subject, Reason reason, String says) {
        CsrCheck.Result result = CsrCheck.check(csr, subject);
        assertThat(result).isInstanceOf(CsrCheck.Refused.class);
        Refusal refusal = ((CsrCheck.Refused) result).refusal();
        assertThat(refusal.reason()).isEqualTo(reason);
        assertThat(refusal.message()).contains(says);
    }
}
