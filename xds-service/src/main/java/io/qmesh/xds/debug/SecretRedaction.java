package io.qmesh.xds.debug;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.GenericSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsSessionTicketKeys;

/**
 * An SDS secret fit to show: what is private (private keys, their passwords, PKCS#12 bundles, session
 * ticket keys, generic secrets) becomes {@code inline_string: "[redacted]"}, as Envoy's own
 * {@code /config_dump} does; certificate chains and trusted CAs stay, they are public. Secrets and
 * TLS certificates are copied field by field from an allow-list, so a field added to Envoy's API
 * later is left out rather than shown. The result is still a valid {@link Secret}, so the output parses back as one.
 */
final class SecretRedaction {

    static final String REDACTED = "[redacted]";
    private static final DataSource REDACTED_SOURCE = DataSource.newBuilder().setInlineString(REDACTED).build();

    private SecretRedaction() {
    }

    static Secret redact(Secret secret) {
        Secret.Builder redacted = Secret.newBuilder().setName(secret.getName());
        if (secret.hasValidationContext()) {
            redacted.setValidationContext(secret.getValidationContext());
        }
        if (secret.hasTlsCertificate()) {
            redacted.setTlsCertificate(redact(secret.getTlsCertificate()));
        }
        if (secret.hasSessionTicketKeys()) {
            TlsSessionTicketKeys.Builder keys = TlsSessionTicketKeys.newBuilder();
            secret.getSessionTicketKeys().getKeysList().forEach(k -> keys.addKeys(REDACTED_SOURCE));
            redacted.setSessionTicketKeys(keys);
        }
        if (secret.hasGenericSecret()) {
            redacted.setGenericSecret(GenericSecret.newBuilder().setSecret(REDACTED_SOURCE));
        }
        return redacted.build();
    }

    /** An allow-list: the public parts are copied, the private ones replaced, anything else left out. */
    private static TlsCertificate redact(TlsCertificate certificate) {
        TlsCertificate.Builder redacted = TlsCertificate.newBuilder()
                .addAllSignedCertificateTimestamp(certificate.getSignedCertificateTimestampList());
        if (certificate.hasCertificateChain()) {
            redacted.setCertificateChain(certificate.getCertificateChain());
        }
        if (certificate.hasOcspStaple()) {
            redacted.setOcspStaple(certificate.getOcspStaple());
        }
        if (certificate.hasPrivateKey() || certificate.hasPrivateKeyProvider()) {
            redacted.setPrivateKey(REDACTED_SOURCE);
        }
        if (certificate.hasPassword()) {
            redacted.setPassword(REDACTED_SOURCE);
        }
        if (certificate.hasPkcs12()) {
            redacted.setPkcs12(REDACTED_SOURCE);
        }
        return redacted.build();
    }
}
