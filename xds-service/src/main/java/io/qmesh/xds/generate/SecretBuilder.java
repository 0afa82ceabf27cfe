package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.qmesh.api.Identity;
import java.util.ArrayList;
import java.util.List;

/**
 * SDS: the group's workload certificate ({@code service-cert:<ns>/<sa>}) and the mesh trust bundle
 * ({@code root-cert:<trust-domain>}) as validation context. Only the group's own identity is ever
 * named, so a proxy cannot receive another identity's key.
 */
public final class SecretBuilder {

    private SecretBuilder() {
    }

    public static List<Secret> build(Identity identity, WorkloadCertificate certificate, String trustBundlePem,
            String trustDomain) {
        List<Secret> secrets = new ArrayList<>();
        if (trustBundlePem != null && !trustBundlePem.isEmpty()) {
            secrets.add(Secret.newBuilder().setName(ResourceNames.trustBundle(trustDomain))
                    .setValidationContext(CertificateValidationContext.newBuilder()
                            .setTrustedCa(DataSource.newBuilder().setInlineString(trustBundlePem)))
                    .build());
        }
        if (certificate != null) {
            secrets.add(Secret.newBuilder().setName(ResourceNames.serviceCertificate(identity))
                    .setTlsCertificate(TlsCertificate.newBuilder()
                            .setCertificateChain(DataSource.newBuilder().setInlineString(certificate.chainPem()))
                            .setPrivateKey(DataSource.newBuilder().setInlineString(certificate.privateKeyPem())))
                    .build());
        }
        secrets.sort(java.util.Comparator.comparing(Secret::getName));
        return List.copyOf(secrets);
    }
}
