package io.qmesh.ca.issue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds the CA's certificates: mesh roots and leaves. Pure: the key, subject, validity (from a
 * {@code Clock} upstream) and serial arrive as arguments; BouncyCastle signs.
 */
public final class Certificates {

    private static final JcaX509CertificateConverter CONVERTER = new JcaX509CertificateConverter().setProvider(Bc.PROVIDER);

    private Certificates() {
    }

    /**
     * A leaf for {@code subject}: SPIFFE URI SAN (critical, empty subject DN) for WORKLOAD and BOOTSTRAP,
     * DNS SANs (CN = first name) for WEBHOOK and SERVING; key usage digitalSignature (+ keyEncipherment for RSA keys);
     * EKU serverAuth and clientAuth; not a CA.
     */
    public static X509Certificate leaf(LeafSubject subject, PublicKey publicKey, Issuer issuer, Validity validity,
            BigInteger serial) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X500Name name = subject.kind().spiffe() ? new X500Name(new org.bouncycastle.asn1.x500.RDN[0])
                    : new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, subject.dnsNames().get(0)).build();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()), serial,
                    Date.from(validity.notBefore()), Date.from(validity.notAfter()), name, publicKey);
            List<GeneralName> sans = new ArrayList<>();
            if (subject.kind().spiffe()) {
                sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, subject.spiffeId()));
            } else {
                subject.dnsNames().forEach(dns -> sans.add(new GeneralName(GeneralName.dNSName, dns)));
            }
            int usage = KeyUsage.digitalSignature | (publicKey instanceof RSAPublicKey ? KeyUsage.keyEncipherment : 0);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, subject.kind().spiffe(),
                            new GeneralNames(sans.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(issuer.certificate().getPublicKey()));
            return sign(builder, issuer.key(), issuer.signatureAlgorithm(),
                    issuer.certificate().getSubjectX500Principal().getName());
        } catch (CertIOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot build leaf for " + subject.describe(), e);
        }
    }

    /** A self-signed mesh root: CA, path length 1 (room for one intermediate), keyCertSign and cRLSign. */
    public static X509Certificate root(KeyPair keys, String organization, Validity validity, BigInteger serial) {
        try {
            String hex = Serials.hex(serial);
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, organization)
                    .addRDN(BCStyle.CN, "qmesh root " + hex.substring(0, Math.min(8, hex.length()))).build();
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial,
                    Date.from(validity.notBefore()), Date.from(validity.notAfter()), name, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(1))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            return sign(builder, keys.getPrivate(), "SHA256withECDSA", name.toString());
        } catch (CertIOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot build root", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, java.security.PrivateKey key, String algorithm,
            String signerName) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(algorithm).setProvider(Bc.PROVIDER).build(key);
            return CONVERTER.getCertificate(builder.build(signer));
        } catch (OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("signing with " + signerName + " failed", e);
        }
    }

    /** @throws IllegalArgumentException when the issuer's key does not belong to its certificate */
    public static void checkKeyMatches(Issuer issuer) {
        try {
            byte[] probe = "qmesh key probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature signature = java.security.Signature.getInstance(issuer.signatureAlgorithm(), Bc.PROVIDER);
            signature.initSign(issuer.key());
            signature.update(probe);
            byte[] signed = signature.sign();
            signature.initVerify(issuer.certificate().getPublicKey());
            signature.update(probe);
            if (!signature.verify(signed)) {
                throw new IllegalArgumentException("data.tls.key does not belong to " + issuer.certificate().getSubjectX500Principal());
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("data.tls.key cannot sign for " + issuer.certificate().getSubjectX500Principal()
                    + ": " + e.getMessage(), e);
        }
    }
}
