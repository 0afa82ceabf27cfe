package io.qmesh.ca.issue;

import io.qmesh.ca.issue.Refusal.Reason;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Checks a caller's CSR before anything is signed: it parses, its signature verifies with its own
 * key, the key is strong enough (EC P-256 or P-384; RSA of at least 2048 bits), and any SANs it asks
 * for are exactly the subject the CA decided. The CSR's subject DN is ignored: the CA sets the subject.
 */
public final class CsrCheck {

    public static final int MIN_RSA_BITS = 2048;

    private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(
            SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1);

    private CsrCheck() {
    }

    /** The outcome: the CSR's public key, or why it was refused. */
    public sealed interface Result permits Accepted, Refused {
    }

    public record Accepted(PublicKey publicKey) implements Result {
    }

    public record Refused(Refusal refusal) implements Result {
    }

    private static final Map<ASN1ObjectIdentifier, String> ECDSA = Map.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA256withECDSA",
            X9ObjectIdentifiers.ecdsa_with_SHA384, "SHA384withECDSA",
            X9ObjectIdentifiers.ecdsa_with_SHA512, "SHA512withECDSA");

    public static Result check(String csrPem, LeafSubject expected) {
        PKCS10CertificationRequest csr;
        PublicKey key;
        try {
            csr = Pem.parseCsr(csrPem);
            key = new JcaPKCS10CertificationRequest(csr).setProvider(Bc.PROVIDER).getPublicKey();
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return refuse(Reason.MALFORMED_CSR, "CSR is not a readable PKCS#10 request: " + e.getMessage());
        }
        String weak = weakness(csr, key);
        if (weak != null) {
            return refuse(Reason.WEAK_KEY, weak);
        }
        try {
            if (!signatureValid(csr, key)) {
                return refuse(Reason.BAD_SIGNATURE, "CSR signature does not verify with the CSR's own public key");
            }
        } catch (OperatorCreationException | PKCSException | GeneralSecurityException | IOException e) {
            return refuse(Reason.BAD_SIGNATURE, "CSR signature cannot be verified: " + e.getMessage());
        }
        String mismatch = sanMismatch(csr, expected);
        if (mismatch != null) {
            return refuse(Reason.IDENTITY_MISMATCH, mismatch);
        }
        return new Accepted(key);
    }

    /**
     * The CSR's self-signature, verified once. ECDSA (what qmesh's own components send) is checked with
     * one {@link Signature}: BouncyCastle's {@code JcaContentVerifierProviderBuilder} verifies every
     * signature twice (a second, raw verification that frees PKCS#11 sessions), which doubled the
     * CA's cost per certificate. Other algorithms (RSA, RSA-PSS) go through BouncyCastle's builder.
     */
    private static boolean signatureValid(PKCS10CertificationRequest csr, PublicKey key)
            throws GeneralSecurityException, IOException, OperatorCreationException, PKCSException {
        String ecdsa = ECDSA.get(csr.getSignatureAlgorithm().getAlgorithm());
        if (ecdsa == null || !(key instanceof ECPublicKey)) {
            return csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Bc.PROVIDER).build(key));
        }
        Signature verifier = Signature.getInstance(ecdsa, Bc.PROVIDER);
        verifier.initVerify(key);
        verifier.update(csr.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER));
        return verifier.verify(csr.getSignature());
    }

    private static String weakness(PKCS10CertificationRequest csr, PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits < MIN_RSA_BITS ? "RSA key of " + bits + " bits is below the minimum of " + MIN_RSA_BITS : null;
        }
        if (key instanceof ECPublicKey) {
            var params = csr.getSubjectPublicKeyInfo().getAlgorithm().getParameters();
            if (params instanceof ASN1ObjectIdentifier curve && CURVES.contains(curve)) {
                return null;
            }
            return "EC key on curve " + params + " is not accepted (P-256 or P-384 only)";
        }
        return "key algorithm " + csr.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm()
                + " is not accepted (ECDSA P-256/P-384 or RSA >= " + MIN_RSA_BITS + ")";
    }

    private static String sanMismatch(PKCS10CertificationRequest csr, LeafSubject expected) {
        List<String> uris = new ArrayList<>();
        List<String> dns = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
            GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
            if (names == null) {
                continue;
            }
            for (GeneralName name : names.getNames()) {
                String value = name.getName().toString();
                switch (name.getTagNo()) {
                    case GeneralName.uniformResourceIdentifier -> uris.add(value);
                    case GeneralName.dNSName -> dns.add(value);
                    default -> other.add(value);
                }
            }
        }
        if (!other.isEmpty()) {
            return "CSR asks for SANs " + other + " that the CA never grants";
        }
        if (expected.kind().spiffe()) {
            for (String uri : uris) {
                if (!uri.equals(expected.spiffeId())) {
                    return "CSR asks for URI SAN " + uri + " but the request is for " + expected.spiffeId();
                }
            }
            if (!dns.isEmpty()) {
                return "CSR asks for DNS SANs " + dns + " but " + expected.kind() + " certificates carry only " + expected.spiffeId();
            }
            return null;
        }
        if (!uris.isEmpty()) {
            return "CSR asks for URI SANs " + uris + " but " + expected.kind() + " certificates carry only DNS names";
        }
        for (String name : dns) {
            if (!expected.dnsNames().contains(name)) {
                return "CSR asks for DNS SAN " + name + " which is not among the requested " + expected.dnsNames();
            }
        }
        return null;
    }

    private static Result refuse(Reason reason, String message) {
        return new Refused(Refusal.of(reason, message));
    }

}
