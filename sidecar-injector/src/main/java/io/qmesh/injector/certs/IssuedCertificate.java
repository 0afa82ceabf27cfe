package io.qmesh.injector.certs;

import java.time.Duration;
import java.time.Instant;

/** A certificate from cert-manager-svc with the key it was requested for. */
public record IssuedCertificate(String certificateChainPem, String privateKeyPem, String trustBundlePem,
        String serialNumber, Instant notBefore, Instant notAfter) {

    /** When to renew: two thirds into the lifetime. */
    public Instant renewAt() {
        return notBefore.plus(Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
    }

    /**
     * When to renew a certificate taken into use at {@code received}: two thirds of the way from then
     * to its expiry. For one issued some time before (a prefetched bootstrap certificate) or with a
     * backdated notBefore and a short lifetime, where {@link #renewAt()} could already have passed.
     */
    public Instant renewAt(Instant received) {
        Duration left = Duration.between(received, notAfter);
        return left.isNegative() ? received : received.plus(left.multipliedBy(2).dividedBy(3));
    }
}
