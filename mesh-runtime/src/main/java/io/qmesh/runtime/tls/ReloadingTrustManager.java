package io.qmesh.runtime.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager over the mesh trust bundle that can be swapped while the server runs, so a root
 * rotation (a root added to, or removed from, the bundle) applies to the next handshake. Until the
 * first {@link #update} it trusts nothing.
 */
public final class ReloadingTrustManager extends X509ExtendedTrustManager {

    private volatile X509ExtendedTrustManager delegate;

    /**
     * Trusts exactly the certificates in {@code bundlePem} from now on.
     *
     * @throws IllegalArgumentException when the bundle cannot be read; the previous one stays
     */
    public void update(String bundlePem) {
        try {
            List<X509Certificate> roots = Pem.certificates(bundlePem);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < roots.size(); i++) {
                store.setCertificateEntry("root-" + i, roots.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            delegate = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("trust bundle cannot be loaded: " + e.getMessage(), e);
        }
    }

    /** Whether a bundle has been loaded. */
    public boolean loaded() {
        return delegate != null;
    }

    private X509ExtendedTrustManager current() throws CertificateException {
        X509ExtendedTrustManager d = delegate;
        if (d == null) {
            throw new CertificateException("no trust bundle loaded yet");
        }
        return d;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        current().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        current().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        current().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        current().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current().checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        X509ExtendedTrustManager d = delegate;
        return d == null ? new X509Certificate[0] : d.getAcceptedIssuers();
    }
}
