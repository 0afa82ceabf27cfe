package io.qmesh.injector.certs;

import com.google.protobuf.Duration;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qmesh.api.certs.v1.CertificateAuthorityGrpc;
import io.qmesh.api.certs.v1.CertificateKind;
import io.qmesh.api.certs.v1.IssueRequest;
import io.qmesh.api.certs.v1.IssueResponse;
import io.qmesh.api.certs.v1.ServiceAccountIdentity;
import io.qmesh.injector.InjectorConfig;
import io.qmesh.runtime.tls.KeyAndCsr;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * cert-manager-svc's {@code certs.v1} Issue: BOOTSTRAP certificates for pods' Envoys and the WEBHOOK
 * serving certificate. Authenticates with the injector's ServiceAccount token, read from its file on
 * every call (projected tokens rotate).
 */
@ApplicationScoped
public class CaClient {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final InjectorConfig config;
    private final ManagedChannel channel;

    public CaClient(InjectorConfig config) {
        this.config = config;
        this.channel = Grpc.newChannelBuilder(config.ca().address(), InsecureChannelCredentials.create()).build();
    }

    /** Thrown when the CA cannot be reached or refuses; the message names the CA and the request. */
    public static final class CaException extends Exception {
        public CaException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public IssuedCertificate issueBootstrap(String namespace, String serviceAccount, String proxyId) throws CaException {
        KeyAndCsr key = KeyAndCsr.generate(proxyId);
        return issue(key, IssueRequest.newBuilder().setKind(CertificateKind.BOOTSTRAP).setCsrPem(key.csrPem())
                .setServiceAccount(ServiceAccountIdentity.newBuilder().setNamespace(namespace).setName(serviceAccount))
                .setTtl(duration(config.ca().bootstrapTtl())).build(), "bootstrap certificate for proxy=" + proxyId);
    }

    public IssuedCertificate issueWebhook(List<String> dnsNames) throws CaException {
        KeyAndCsr key = KeyAndCsr.generate(dnsNames.get(0));
        return issue(key, IssueRequest.newBuilder().setKind(CertificateKind.WEBHOOK).setCsrPem(key.csrPem())
                .addAllDnsNames(dnsNames).setTtl(duration(config.webhook().certificateTtl())).build(),
                "webhook certificate for " + dnsNames.get(0));
    }

    private IssuedCertificate issue(KeyAndCsr key, IssueRequest request, String what) throws CaException {
        try {
            IssueResponse r = CertificateAuthorityGrpc.newBlockingStub(channel)
                    .withCallCredentials(new BearerToken())
                    .withDeadlineAfter(config.ca().timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .issue(request);
            return new IssuedCertificate(r.getCertificateChainPem(), key.privateKeyPem(), r.getTrustBundlePem(),
                    r.getSerialNumber(), Instant.ofEpochSecond(r.getNotBefore().getSeconds(), r.getNotBefore().getNanos()),
                    Instant.ofEpochSecond(r.getNotAfter().getSeconds(), r.getNotAfter().getNanos()));
        } catch (StatusRuntimeException e) {
            throw new CaException("CA " + config.ca().address() + " did not issue the " + what + ": "
                    + e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
        }
    }

    private static Duration duration(java.time.Duration d) {
        return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }

    @PreDestroy
    void close() {
        channel.shutdownNow();
    }

    /** {@code authorization: Bearer <token>} from the token file, read per call. */
    private final class BearerToken extends CallCredentials {
        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            try {
                String token = Files.readString(config.ca().tokenFile()).trim();
                Metadata headers = new Metadata();
                headers.put(AUTHORIZATION, "Bearer " + token);
                applier.apply(headers);
            } catch (IOException e) {
                applier.fail(Status.UNAUTHENTICATED.withDescription("cannot read ServiceAccount token "
                        + config.ca().tokenFile() + ": " + e.getMessage()));
            }
        }
    }
}
