package io.qmesh.injector.certs;

import java.time.Instant;

/** A certificate from cert-manager-svc with the key it was requested for. */
public record IssuedCertificate(String certificateChainPem, String privateKeyPem, String trustBundlePem,
        String serialNumber, Instant notBefore, Instant notAfter) {

    /** When to renew: two thirds into the lifetime. */
    public Instant renewAt() {
        return notBefore.plus(java.time.Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
    }
}
