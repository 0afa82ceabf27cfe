package io.qmesh.xds.serve;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * mTLS for ADS in a test: a throwaway mesh root, xds-service's serving certificate, and bootstrap
 * client certificates with SPIFFE URI SANs, written as PEM for {@code qmesh.xds.tls.mode=files}.
 * Also starts the mesh.v1 test double.
 */
public class MtlsResource extends FakeMeshController {

    static Path dir;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        try {
            dir = Files.createTempDirectory("xds-mtls");
            KeyPair rootKey = ec();
            X509Certificate root = certificate("CN=qmesh test root", rootKey, "CN=qmesh test root", rootKey, null, true);
            write("root.pem", pem(root));
            KeyPair serverKey = ec();
            write("server.pem", pem(certificate("CN=xds-service", serverKey, "CN=qmesh test root", rootKey,
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), false)));
            write("server.key", pem(new JcaPKCS8Generator(serverKey.getPrivate(), null)));
            client("bookbuyer", "bookbuyer", rootKey);
            client("bookstore", "bookstore-v1", rootKey);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        config.put("qmesh.xds.tls.mode", "files");
        config.put("qmesh.xds.tls.certificate", dir.resolve("server.pem").toString());
        config.put("qmesh.xds.tls.key", dir.resolve("server.key").toString());
        config.put("qmesh.xds.tls.trust-bundle", dir.resolve("root.pem").toString());
        config.put("qmesh.xds.require-client-certificate", "true");
        return config;
    }

    private static void client(String ns, String sa, KeyPair rootKey) throws Exception {
        KeyPair key = ec();
        write(sa + ".pem", pem(certificate("CN=" + sa, key, "CN=qmesh test root", rootKey,
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://cluster.local/ns/" + ns + "/sa/" + sa), false)));
        write(sa + ".key", pem(new JcaPKCS8Generator(key.getPrivate(), null)));
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static X509Certificate certificate(String subject, KeyPair key, String issuer, KeyPair issuerKey,
            GeneralName san, boolean ca) throws Exception {
        Instant now = Instant.now();
        return certificate(subject, key, issuer, issuerKey, san, ca, now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    }

    static X509Certificate certificate(String subject, KeyPair key, String issuer, KeyPair issuerKey,
            GeneralName san, boolean ca, Instant notBefore, Instant notAfter) throws Exception {
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notAfter),
                new X500Name(subject), key.getPublic());
        if (san != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
        }
        if (ca) {
            builder.addExtension(Extension.basicConstraints, true, new org.bouncycastle.asn1.x509.BasicConstraints(true));
        }
        PrivateKey signer = issuerKey.getPrivate();
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    static String pem(Object o) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(o);
        }
        return out.toString();
    }

    private static void write(String name, String content) throws Exception {
        Files.writeString(dir.resolve(name), content);
    }
}
