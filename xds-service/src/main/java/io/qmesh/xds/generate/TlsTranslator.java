package io.qmesh.xds.generate;

import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.qmesh.api.Identity;
import java.util.Collection;

/**
 * mTLS between sidecars: both sides present the group's workload certificate over SDS and validate
 * the peer against the mesh trust bundle; clients also pin the destination identities' SPIFFE IDs.
 */
final class TlsTranslator {

    static final String TLS_SOCKET = "envoy.transport_sockets.tls";

    private TlsTranslator() {
    }

    /** Client side towards a mesh service: SNI is the service FQDN, SANs the identities behind it. */
    static TransportSocket upstream(Identity self, Collection<Identity> destinations, String sni, String trustDomain) {
        CertificateValidationContext.Builder peer = CertificateValidationContext.newBuilder();
        destinations.stream().sorted().forEach(d -> peer.addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                .setSanType(SubjectAltNameMatcher.SanType.URI)
                .setMatcher(Protos.exact(d.spiffeId(trustDomain)))));
        UpstreamTlsContext context = UpstreamTlsContext.newBuilder()
                .setSni(sni)
                .setCommonTlsContext(common(self, trustDomain, peer.build()))
                .build();
        return TransportSocket.newBuilder().setName(TLS_SOCKET).setTypedConfig(Protos.any(context)).build();
    }

    /** Server side of a local service port: a client certificate from the mesh trust bundle is required. */
    static TransportSocket downstream(Identity self, String trustDomain) {
        DownstreamTlsContext context = DownstreamTlsContext.newBuilder()
                .setRequireClientCertificate(Protos.bool(true))
                .setCommonTlsContext(common(self, trustDomain, CertificateValidationContext.getDefaultInstance()))
                .build();
        return TransportSocket.newBuilder().setName(TLS_SOCKET).setTypedConfig(Protos.any(context)).build();
    }

    private static CommonTlsContext common(Identity self, String trustDomain, CertificateValidationContext peer) {
        return CommonTlsContext.newBuilder()
                .addTlsCertificateSdsSecretConfigs(sds(ResourceNames.serviceCertificate(self)))
                .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                        .setDefaultValidationContext(peer)
                        .setValidationContextSdsSecretConfig(sds(ResourceNames.trustBundle(trustDomain))))
                .build();
    }

    private static SdsSecretConfig sds(String name) {
        return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(Protos.ads()).build();
    }
}
