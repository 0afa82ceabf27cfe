package io.qmesh.xds.proxyless;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away mesh root and SPIFFE workload certificates as PEM files, laid out the way a proxyless
 * bootstrap's file_watcher provider reads them. (The real ones come from cert-manager-svc.)
 */
final class TestCertificates {

    /** Files of one workload: its certificate, its key, the trust bundle. */
    record Files3(Path certificate, Path key, Path trustBundle) {
    }

    private final KeyPair rootKey;
    private final X509Certificate root;
    private long serial = 1;

    TestCertificates() {
        rootKey = keyPair();
        X500Name name = new X500Name("CN=qmesh test root");
        root = sign(new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(serial++), from(), to(), name, rootKey.getPublic()),
                true, null);
    }

    Files3 issue(Path dir, String spiffeId) {
        KeyPair key = keyPair();
        X509Certificate leaf = sign(new JcaX509v3CertificateBuilder(new X500Name("CN=qmesh test root"), BigInteger.valueOf(serial++),
                from(), to(), new X500Name(""), key.getPublic()), false, spiffeId);
        try {
            Files.createDirectories(dir);
            return new Files3(Files.writeString(dir.resolve("cert.pem"), pem(leaf)),
                    Files.writeString(dir.resolve("key.pem"), pem(new JcaPKCS8Generator(key.getPrivate(), null).generate())),
                    Files.writeString(dir.resolve("ca.pem"), pem(root)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private X509Certificate sign(JcaX509v3CertificateBuilder builder, boolean ca, String spiffeId) {
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                builder.addExtension(Extension.subjectAlternativeName, true,
                        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("test certificate", e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static Date from() {
        return Date.from(Instant.now().minus(Duration.ofMinutes(5)));
    }

    private static Date to() {
        return Date.from(Instant.now().plus(Duration.ofHours(2)));
    }
}
