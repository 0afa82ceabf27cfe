package io.qmesh.runtime.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class KeyAndCsrTest {

    @Test
    void generate_givesAP256KeyAndARequestSignedByIt() throws Exception {
        KeyAndCsr generated = KeyAndCsr.generate("bookstore-1234");

        ECPrivateKey key = (ECPrivateKey) Pem.privateKey(generated.privateKeyPem(), "EC");
        assertThat(key.getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        PKCS10CertificationRequest csr;
        try (PEMParser parser = new PEMParser(new StringReader(generated.csrPem()))) {
            csr = (PKCS10CertificationRequest) parser.readObject();
        }
        assertThat(csr.getSubject().toString()).isEqualTo("CN=bookstore-1234");
        PublicKey publicKey = new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey))).isTrue();
        // the request's public key is the key's: what the key signs, the request's key verifies
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).isTrue();
    }
}
