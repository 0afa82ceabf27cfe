package io.qmesh.xds.generate;

import java.time.Instant;

/** A workload certificate as the CA issued it, with the private key xds-service generated for it. */
public record WorkloadCertificate(String chainPem, String privateKeyPem, Instant notBefore, Instant notAfter) {
}
