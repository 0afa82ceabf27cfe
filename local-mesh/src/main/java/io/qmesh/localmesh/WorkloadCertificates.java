package io.qmesh.localmesh;

import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.qmesh.api.certs.v1.CertificateAuthorityGrpc;
import io.qmesh.api.certs.v1.CertificateKind;
import io.qmesh.api.certs.v1.IssueRequest;
import io.qmesh.api.certs.v1.IssueResponse;
import io.qmesh.api.certs.v1.ServiceAccountIdentity;
import io.qmesh.runtime.tls.KeyAndCsr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * What an agent next to a proxyless workload does: makes a key, asks cert-manager-svc for the
 * workload certificate of the workload's ServiceAccount (authenticating with local-mesh's own token),
 * and writes certificate, key and trust bundle where the grpc-xds bootstrap's file_watcher provider
 * reads them — atomically, so a renewal is picked up without the workload noticing.
 */
final class WorkloadCertificates implements AutoCloseable {

    /** The files of one workload. */
    record Files3(Path certificate, Path key, Path trustBundle) {
    }

    private final ManagedChannel channel;
    private final String token;

    WorkloadCertificates(String caAddress, String token) {
        this.channel = Grpc.newChannelBuilder(caAddress, InsecureChannelCredentials.create()).build();
        this.token = token;
    }

    /** Issues and writes; returns the files and when the certificate should be renewed (2/3 of its life). */
    Instant issue(String namespace, String serviceAccount, Path dir) {
        return issue(CertificateKind.WORKLOAD, namespace, serviceAccount, dir);
    }

    /**
     * A certificate with the SPIFFE ID of a ServiceAccount: WORKLOAD, or BOOTSTRAP (what an Envoy
     * presents to xds-service; the CA issues it to sidecar-injector).
     */
    Instant issue(CertificateKind kind, String namespace, String serviceAccount, Path dir) {
        return issue(IssueRequest.newBuilder().setKind(kind)
                .setServiceAccount(ServiceAccountIdentity.newBuilder().setNamespace(namespace).setName(serviceAccount)), dir);
    }

    private Instant issue(IssueRequest.Builder request, Path dir) {
        KeyAndCsr key = KeyAndCsr.generate("local-mesh workload");
        IssueResponse issued = CertificateAuthorityGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(token)).withDeadlineAfter(30, TimeUnit.SECONDS)
                .issue(request.setCsrPem(key.csrPem()).build());
        Files3 files = files(dir);
        write(files.key(), key.privateKeyPem());
        write(files.certificate(), issued.getCertificateChainPem());
        write(files.trustBundle(), issued.getTrustBundlePem());
        Instant notBefore = Instant.ofEpochSecond(issued.getNotBefore().getSeconds());
        Instant notAfter = Instant.ofEpochSecond(issued.getNotAfter().getSeconds());
        return notBefore.plus(Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
    }

    static Files3 files(Path dir) {
        return new Files3(dir.resolve("cert.pem"), dir.resolve("key.pem"), dir.resolve("ca.pem"));
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), content);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
