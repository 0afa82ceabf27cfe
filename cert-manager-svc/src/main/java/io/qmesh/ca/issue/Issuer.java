package io.qmesh.ca.issue;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What signs a leaf: the signing key, its certificate, and the certificates served after the leaf
 * (for a built-in root: none; for a user's intermediate: the intermediate and up to the user's root).
 */
public record Issuer(PrivateKey key, X509Certificate certificate, List<X509Certificate> chain) {

    public Issuer {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
        chain = List.copyOf(chain);
    }

    public static Issuer root(PrivateKey key, X509Certificate root) {
        return new Issuer(key, root, List.of());
    }

    /** The signature algorithm matching the issuer's key. */
    public String signatureAlgorithm() {
        if (key.getAlgorithm().startsWith("RSA")) {
            return "SHA256withRSA";
        }
        int bits = ((java.security.interfaces.ECKey) certificate.getPublicKey()).getParams().getOrder().bitLength();
        return bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }
}
