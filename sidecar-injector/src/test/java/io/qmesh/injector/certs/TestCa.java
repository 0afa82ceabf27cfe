package io.qmesh.injector.certs;

import com.google.protobuf.Timestamp;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.qmesh.api.certs.v1.CertificateAuthorityGrpc;
import io.qmesh.api.certs.v1.CertificateKind;
import io.qmesh.api.certs.v1.IssueRequest;
import io.qmesh.api.certs.v1.IssueResponse;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Plays cert-manager-svc in tests: a real gRPC {@code certs.v1} server on loopback that checks the
 * bearer token and really signs CSRs with a test root (BOOTSTRAP: SPIFFE URI SAN, client auth;
 * WEBHOOK: DNS SANs, server auth), honouring the requested TTL. Replaced by the real CA in the
 * end-to-end tests once cert-manager-svc lands.
 */
public final class TestCa implements AutoCloseable {

    public static final String TOKEN = "test-serviceaccount-token";
    private static final Provider BC = new BouncyCastleProvider();
    private static final Context.Key<String> AUTH = Context.key("authorization");

    private final KeyPair rootKey;
    private final X509Certificate root;
    private final String rootPem;
    private final Server server;
    private final AtomicLong serial = new AtomicLong(1000);

    public TestCa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
        g.initialize(new ECGenParameterSpec("secp256r1"));
        rootKey = g.generateKeyPair();
        X500Name name = new X500Name("CN=qmesh test root");
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name, rootKey.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        root = sign(b);
        rootPem = pem(root);
        ServerInterceptor auth = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String value = headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
                return Contexts.interceptCall(Context.current().withValue(AUTH, value), call, headers, next);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                .addService(ServerInterceptors.intercept(new Service(), auth)).build().start();
    }

    public String address() {
        return "127.0.0.1:" + server.getPort();
    }

    public String rootPem() {
        return rootPem;
    }

    public X509Certificate root() {
        return root;
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Service extends CertificateAuthorityGrpc.CertificateAuthorityImplBase {
        @Override
        public void issue(IssueRequest request, StreamObserver<IssueResponse> response) {
            if (!("Bearer " + TOKEN).equals(AUTH.get())) {
                response.onError(Status.UNAUTHENTICATED.withDescription("bad or missing bearer token").asException());
                return;
            }
            try {
                response.onNext(sign(request));
                response.onCompleted();
            } catch (Exception e) {
                response.onError(Status.INVALID_ARGUMENT.withDescription(e.toString()).asException());
            }
        }
    }

    private IssueResponse sign(IssueRequest request) throws Exception {
        PKCS10CertificationRequest csr;
        try (PEMParser parser = new PEMParser(new StringReader(request.getCsrPem()))) {
            csr = (PKCS10CertificationRequest) parser.readObject();
        }
        if (csr == null || !csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BC)
                .build(csr.getSubjectPublicKeyInfo()))) {
            throw new IllegalArgumentException("CSR signature invalid");
        }
        Instant now = Instant.now();
        Duration ttl = request.hasTtl() ? Duration.ofSeconds(request.getTtl().getSeconds()) : Duration.ofHours(1);
        Instant notAfter = now.plus(ttl);
        GeneralNames sans;
        KeyPurposeId purpose;
        if (request.getKind() == CertificateKind.WEBHOOK) {
            sans = new GeneralNames(request.getDnsNamesList().stream().map(d -> new GeneralName(GeneralName.dNSName, d))
                    .toArray(GeneralName[]::new));
            purpose = KeyPurposeId.id_kp_serverAuth;
        } else if (request.getKind() == CertificateKind.BOOTSTRAP) {
            sans = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://cluster.local/ns/"
                    + request.getServiceAccount().getNamespace() + "/sa/" + request.getServiceAccount().getName()));
            purpose = KeyPurposeId.id_kp_clientAuth;
        } else {
            throw new IllegalArgumentException("kind " + request.getKind() + " not supported by the test CA");
        }
        BigInteger number = BigInteger.valueOf(serial.incrementAndGet());
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(new X500Name("CN=qmesh test root"), number, Date.from(now.minusSeconds(1)),
                Date.from(notAfter), new X500Name(""), csr.getSubjectPublicKeyInfo())
                .addExtension(Extension.subjectAlternativeName, true, sans)
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        X509Certificate leaf = sign(b);
        return IssueResponse.newBuilder().setCertificateChainPem(pem(leaf)).setTrustBundlePem(rootPem)
                .setSerialNumber(number.toString(16))
                .setNotBefore(Timestamp.newBuilder().setSeconds(leaf.getNotBefore().toInstant().getEpochSecond()))
                .setNotAfter(Timestamp.newBuilder().setSeconds(notAfter.getEpochSecond()).setNanos(notAfter.getNano()))
                .build();
    }

    private X509Certificate sign(X509v3CertificateBuilder builder) throws Exception {
        var signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(rootKey.getPrivate());
        return new JcaX509CertificateConverter().setProvider(BC).getCertificate(builder.build(signer));
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }
}
