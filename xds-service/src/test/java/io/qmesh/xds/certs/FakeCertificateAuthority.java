package io.qmesh.xds.certs;

import com.google.protobuf.Timestamp;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qmesh.api.certs.v1.CertificateAuthorityGrpc;
import io.qmesh.api.certs.v1.CertificateKind;
import io.qmesh.api.certs.v1.IssueRequest;
import io.qmesh.api.certs.v1.IssueResponse;
import io.qmesh.api.certs.v1.TrustBundle;
import io.qmesh.api.certs.v1.WatchTrustBundleRequest;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A test double of cert-manager-svc (certs.v1): checks the caller's bearer token, signs the CSR's
 * public key with a test root for the requested service account (SPIFFE URI SAN) or, for SERVING,
 * the requested DNS names, with a short
 * lifetime so renewal can be watched, and publishes the root as trust bundle.
 */
final class FakeCertificateAuthority implements AutoCloseable {

    static final Context.Key<String> TOKEN = Context.key("token");

    final List<IssueResponse> issued = new CopyOnWriteArrayList<>();
    final List<String> tokensSeen = new CopyOnWriteArrayList<>();
    private final KeyPair root;
    private final X509Certificate rootCert;
    private final String expectedToken;
    private final Duration lifetime;
    private final AtomicLong serial = new AtomicLong(1);
    private final Server server;

    FakeCertificateAuthority(String expectedToken, Duration lifetime) throws Exception {
        this.expectedToken = expectedToken;
        this.lifetime = lifetime;
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        root = generator.generateKeyPair();
        Instant now = Instant.now();
        rootCert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(new X500Name("CN=test root"),
                BigInteger.ONE, Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=test root"), root.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(root.getPrivate())));
        ServerInterceptor auth = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String value = headers.get(CertificateAuthorityClient.AUTHORIZATION);
                tokensSeen.add(String.valueOf(value));
                if (!("Bearer " + FakeCertificateAuthority.this.expectedToken).equals(value)) {
                    call.close(Status.UNAUTHENTICATED.withDescription("bad token"), new Metadata());
                    return new ServerCall.Listener<>() { };
                }
                return Contexts.interceptCall(Context.current(), call, headers, next);
            }
        };
        server = ServerBuilder.forPort(0).addService(ServerInterceptors.intercept(new CertificateAuthorityGrpc.CertificateAuthorityImplBase() {
            @Override
            public void issue(IssueRequest request, StreamObserver<IssueResponse> response) {
                try {
                    IssueResponse r = sign(request);
                    issued.add(r);
                    response.onNext(r);
                    response.onCompleted();
                } catch (Exception e) {
                    response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
                }
            }

            @Override
            public void watchTrustBundle(WatchTrustBundleRequest request, StreamObserver<TrustBundle> bundles) {
                bundles.onNext(TrustBundle.newBuilder().setVersion("v1").setBundlePem(rootPem()).build());
            }
        }, auth)).build().start();
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    String rootPem() {
        return pem(rootCert);
    }

    private IssueResponse sign(IssueRequest request) throws Exception {
        PKCS10CertificationRequest csr;
        try (PEMParser parser = new PEMParser(new StringReader(request.getCsrPem()))) {
            csr = (PKCS10CertificationRequest) parser.readObject();
        }
        Instant now = Instant.now();
        Instant notAfter = now.plus(lifetime);
        GeneralName[] sans = request.getKind() == CertificateKind.SERVING
                ? request.getDnsNamesList().stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)
                : new GeneralName[] {new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://cluster.local/ns/"
                        + request.getServiceAccount().getNamespace() + "/sa/" + request.getServiceAccount().getName())};
        X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name("CN=test root"), BigInteger.valueOf(serial.incrementAndGet()), Date.from(now),
                Date.from(notAfter), new X500Name("CN=leaf"),
                new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(csr).getPublicKey())
                .addExtension(Extension.subjectAlternativeName, true,
                        new GeneralNames(sans))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(root.getPrivate())));
        return IssueResponse.newBuilder().setCertificateChainPem(pem(leaf)).setTrustBundlePem(rootPem())
                .setSerialNumber(leaf.getSerialNumber().toString())
                .setNotBefore(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setNotAfter(Timestamp.newBuilder().setSeconds(notAfter.getEpochSecond()).setNanos(notAfter.getNano()))
                .build();
    }

    private static String pem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(o);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
