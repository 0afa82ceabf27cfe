package io.qmesh.xds.generate;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;

/**
 * Proxyless workloads read their certificate, key and trust bundle from files (the bootstrap's
 * {@code file_watcher} provider, renewed by whoever writes the files), not over SDS.
 */
final class ProxylessTls {

    static final String WORKLOAD_CERTIFICATE = "default";
    static final String ROOTS = "ROOTCA";

    private ProxylessTls() {
    }

    static CertificateProviderPluginInstance workloadCertificate() {
        return CertificateProviderPluginInstance.newBuilder()
                .setInstanceName(ResourceNames.PROXYLESS_CERTIFICATE_PROVIDER).setCertificateName(WORKLOAD_CERTIFICATE).build();
    }

    static CertificateProviderPluginInstance roots() {
        return CertificateProviderPluginInstance.newBuilder()
                .setInstanceName(ResourceNames.PROXYLESS_CERTIFICATE_PROVIDER).setCertificateName(ROOTS).build();
    }
}
