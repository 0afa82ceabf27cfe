package io.qmesh.ca.grpc;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.qmesh.api.certs.v1.CertificateAuthorityGrpc;
import io.qmesh.api.certs.v1.CertificateKind;
import io.qmesh.api.certs.v1.IssueRequest;
import io.qmesh.api.certs.v1.ServiceAccountIdentity;
import java.util.List;
import java.util.concurrent.Executor;
import org.eclipse.microprofile.config.ConfigProvider;

/** A caller of the CA as xds-service or sidecar-injector would be: a channel and a bearer token. */
public final class CaClient {

    private CaClient() {
    }

    public static ManagedChannel channel() {
        int port = ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
        return ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }

    public static CertificateAuthorityGrpc.CertificateAuthorityBlockingStub as(ManagedChannel channel, String token) {
        return CertificateAuthorityGrpc.newBlockingStub(channel).withCallCredentials(bearer(token));
    }

    public static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                if (token != null) {
                    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                }
                applier.apply(headers);
            }
        };
    }

    public static IssueRequest workload(String csr, String namespace, String serviceAccount) {
        return IssueRequest.newBuilder().setCsrPem(csr).setKind(CertificateKind.WORKLOAD)
                .setServiceAccount(ServiceAccountIdentity.newBuilder().setNamespace(namespace).setName(serviceAccount)).build();
    }

    public static IssueRequest bootstrap(String csr, String namespace, String serviceAccount) {
        return workload(csr, namespace, serviceAccount).toBuilder().setKind(CertificateKind.BOOTSTRAP).build();
    }

    public static IssueRequest webhook(String csr, List<String> dnsNames) {
        return IssueRequest.newBuilder().setCsrPem(csr).setKind(CertificateKind.WEBHOOK).addAllDnsNames(dnsNames).build();
    }

    public static IssueRequest serving(String csr, List<String> dnsNames) {
        return webhook(csr, dnsNames).toBuilder().setKind(CertificateKind.SERVING).build();
    }
}
