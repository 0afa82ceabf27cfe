package io.qmesh.ca.issue;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** CSRs as callers make them (and as careless or hostile callers make them), for tests. */
public final class TestCsrs {

    public static final SecureRandom RANDOM = new SecureRandom();

    private TestCsrs() {
    }

    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Bc.PROVIDER);
            generator.initialize(new ECGenParameterSpec(curve), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", Bc.PROVIDER);
            generator.initialize(bits, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CSR signed by {@code keys}, asking for the given URI and DNS SANs (none when both empty). */
    public static String csr(KeyPair keys, List<String> uris, List<String> dns) {
        try {
            PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=anything"), keys.getPublic());
            if (!uris.isEmpty() || !dns.isEmpty()) {
                GeneralName[] names = java.util.stream.Stream.concat(
                        uris.stream().map(u -> new GeneralName(GeneralName.uniformResourceIdentifier, u)),
                        dns.stream().map(d -> new GeneralName(GeneralName.dNSName, d))).toArray(GeneralName[]::new);
                ExtensionsGenerator extensions = new ExtensionsGenerator();
                extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            }
            String algorithm = keys.getPublic().getAlgorithm().startsWith("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            PKCS10CertificationRequest csr = builder.build(new JcaContentSignerBuilder(algorithm).setProvider(Bc.PROVIDER)
                    .build(keys.getPrivate()));
            return Pem.encode(csr);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String csr(KeyPair keys) {
        return csr(keys, List.of(), List.of());
    }

    /** A CSR whose signature was made by a different key than the one it carries. */
    public static String forged(KeyPair carried, KeyPair signing) {
        try {
            PKCS10CertificationRequest genuine = Pem.parseCsr(csr(carried));
            PKCS10CertificationRequest other = Pem.parseCsr(csr(signing));
            var info = genuine.toASN1Structure().getCertificationRequestInfo();
            var forged = new org.bouncycastle.asn1.pkcs.CertificationRequest(info,
                    other.toASN1Structure().getSignatureAlgorithm(), other.toASN1Structure().getSignature());
            return Pem.encode(new PKCS10CertificationRequest(forged));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
