package io.qmesh.runtime.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager whose certificate can be swapped while the server runs: every TLS handshake asks it
 * for the current key and chain, so a renewed certificate serves the next connection, and no
 * server reconfiguration races with connections being accepted. Until the first {@link #update}
 * it has no certificate, and handshakes fail.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "serving";
    private static final X509ExtendedKeyManager NONE = empty();

    private volatile X509ExtendedKeyManager delegate = NONE;

    /**
     * Serves {@code chainPem} (leaf first) with {@code privateKeyPem} (PKCS#8) from now on.
     *
     * @throws IllegalArgumentException when they cannot be read; the previous certificate stays
     */
    public void update(String chainPem, String privateKeyPem) {
        try {
            List<X509Certificate> chain = Pem.certificates(chainPem);
            PrivateKey key = Pem.privateKey(privateKeyPem, chain.get(0).getPublicKey().getAlgorithm());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, new char[0], chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, new char[0]);
            delegate = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("certificate and key cannot be loaded: " + e.getMessage(), e);
        }
    }

    /** The leaf certificate served now; empty before the first {@link #update}. */
    public Optional<X509Certificate> leaf() {
        X509Certificate[] chain = delegate.getCertificateChain(ALIAS);
        return chain == null || chain.length == 0 ? Optional.empty() : Optional.of(chain[0]);
    }

    private static X509ExtendedKeyManager empty() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, new char[0]);
            return (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the JDK's PKCS12 key manager is required", e);
        }
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate.getPrivateKey(alias);
    }
}
