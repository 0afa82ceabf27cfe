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
}
