package io.qmesh.xds.debug;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.GenericSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsSessionTicketKeys;
import org.junit.jupiter.api.Test;

class SecretRedactionTest {

    static DataSource inline(String text) {
        return DataSource.newBuilder().setInlineString(text).build();
    }

    @Test
    void tlsCertificate_keyPasswordAndPkcs12Redacted_chainKept() {
        Secret secret = Secret.newBuilder().setName("service-cert:ns/sa").setTlsCertificate(TlsCertificate.newBuilder()
                .setCertificateChain(inline("CHAIN")).setPrivateKey(inline("KEY")).setPassword(inline("PASSWORD"))
                .setPkcs12(inline("P12"))).build();

        Secret redacted = SecretRedaction.redact(secret);

        assertThat(redacted.toString()).doesNotContain("KEY", "PASSWORD", "P12").contains("CHAIN");
        assertThat(redacted.getTlsCertificate().getPrivateKey().getInlineString()).isEqualTo("[redacted]");
        assertThat(redacted.getName()).isEqualTo("service-cert:ns/sa");
    }

    @Test
    void validationContext_isPublicAndKept() {
        Secret secret = Secret.newBuilder().setName("root-cert:cluster.local").setValidationContext(
                CertificateValidationContext.newBuilder().setTrustedCa(inline("ROOT"))).build();

        assertThat(SecretRedaction.redact(secret)).isEqualTo(secret);
    }

    @Test
    void sessionTicketKeysAndGenericSecrets_areRedacted() {
        Secret tickets = Secret.newBuilder().setName("t").setSessionTicketKeys(TlsSessionTicketKeys.newBuilder()
                .addKeys(inline("TICKET1")).addKeys(inline("TICKET2"))).build();
        Secret generic = Secret.newBuilder().setName("g").setGenericSecret(GenericSecret.newBuilder().setSecret(inline("TOKEN"))).build();

        assertThat(SecretRedaction.redact(tickets).toString()).doesNotContain("TICKET").contains("[redacted]");
        assertThat(SecretRedaction.redact(tickets).getSessionTicketKeys().getKeysCount()).isEqualTo(2);
        assertThat(SecretRedaction.redact(generic).toString()).doesNotContain("TOKEN").contains("[redacted]");
    }
}
