package io.qmesh.ca.issue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;

/** Roots and intermediates for tests. */
public final class TestRoots {

    private TestRoots() {
    }

    public record Ca(KeyPair keys, X509Certificate certificate) {
        public Issuer issuer() {
            return Issuer.root(keys.getPrivate(), certificate);
        }
    }

    public static Ca root(Clock clock) {
        KeyPair keys = Keys.p256(TestCsrs.RANDOM);
        return new Ca(keys, Certificates.root(keys, "qmesh-test", Validity.bounded(null, Duration.ofDays(3650), clock),
                Serials.random128(TestCsrs.RANDOM)));
    }

    public static BigInteger serial() {
        return Serials.random128(TestCsrs.RANDOM);
    }

    /** A CA certificate for {@code keys} signed by {@code parent} (a user's intermediate). */
    public static Ca intermediate(Ca parent, Clock clock) throws Exception {
        KeyPair keys = Keys.p256(TestCsrs.RANDOM);
        Validity validity = Validity.bounded(null, Duration.ofDays(365), clock);
        var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(parent.certificate(), serial(),
                java.util.Date.from(validity.notBefore()), java.util.Date.from(validity.notAfter()),
                new javax.security.auth.x500.X500Principal("O=user,CN=user intermediate"), keys.getPublic())
                .addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true,
                        new org.bouncycastle.asn1.x509.BasicConstraints(0))
                .addExtension(org.bouncycastle.asn1.x509.Extension.keyUsage, true,
                        new org.bouncycastle.asn1.x509.KeyUsage(org.bouncycastle.asn1.x509.KeyUsage.keyCertSign));
        var holder = builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                .setProvider(Bc.PROVIDER).build(parent.keys().getPrivate()));
        return new Ca(keys, new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(holder));
    }
}
