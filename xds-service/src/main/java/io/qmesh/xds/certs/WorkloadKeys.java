package io.qmesh.xds.certs;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A fresh ECDSA P-256 key per certificate and the CSR for it. The CSR names no subject: the CA
 * decides it from the request's kind (and refuses a CSR asking for other names).
 */
final class WorkloadKeys {

    /** The private key (PKCS#8 PEM) and the CSR (PEM). */
    record KeyAndCsr(String privateKeyPem, String csrPem) {
    }

    private WorkloadKeys() {
    }

    static KeyAndCsr generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(""),
                    pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            StringWriter csrPem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(csrPem)) {
                writer.writeObject(csr);
            }
            String key = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                            .encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            return new KeyAndCsr(key, csrPem.toString());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("ECDSA P-256 is required of every JVM", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
