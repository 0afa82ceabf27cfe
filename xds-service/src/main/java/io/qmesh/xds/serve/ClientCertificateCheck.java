package io.qmesh.xds.serve;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jboss.logging.Logger;

/**
 * The ADS port's check of client certificates: the trust bundle's verdict, and for a refused one a
 * reason an operator can act on. A proxy whose certificate has expired (e.g. an Envoy whose bootstrap
 * certificate was not renewed) or comes from a root no longer trusted fails in the TLS handshake,
 * before any stream: it would show nowhere else. Counted in
 * {@code qmesh_xds_client_certificates_rejected_total{reason=expired|not_yet_valid|untrusted}} and
 * logged as a WARN naming the certificate's identity, once per identity and reason every
 * {@link #LOG_EVERY} (a proxy retries its connection every few seconds).
 */
final class ClientCertificateCheck extends X509ExtendedTrustManager {

    private static final Logger LOG = Logger.getLogger(ClientCertificateCheck.class);
    static final Duration LOG_EVERY = Duration.ofMinutes(10);

    private final X509ExtendedTrustManager trust;
    private final XdsMetrics metrics;
    private final Cache<String, Boolean> logged = CacheBuilder.newBuilder().expireAfterWrite(LOG_EVERY).maximumSize(10_000).build();

    ClientCertificateCheck(X509ExtendedTrustManager trust, XdsMetrics metrics) {
        this.trust = trust;
        this.metrics = metrics;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        judge(chain, () -> trust.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        judge(chain, () -> trust.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        judge(chain, () -> trust.checkClientTrusted(chain, authType));
    }

    private interface Check {
        void run() throws CertificateException;
    }

    /** Runs the trust bundle's check; a refusal is counted and logged, then passed on. */
    private void judge(X509Certificate[] chain, Check check) throws CertificateException {
        try {
            check.run();
        } catch (CertificateException e) {
            if (chain.length == 0) {
                metrics.clientCertificateRejected("untrusted");
                throw e;
            }
            X509Certificate leaf = chain[0];
            String reason = reason(leaf);
            metrics.clientCertificateRejected(reason);
            String identity = identity(leaf);
            if (logged.asMap().putIfAbsent(identity + " " + reason, Boolean.TRUE) == null) {
                LOG.warnf("refused a proxy's client certificate (%s) identity=%s serial=%s valid %s..%s: %s; the same again"
                        + " is not logged for %d minutes", reason, identity, leaf.getSerialNumber().toString(16),
                        leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), e.getMessage(), LOG_EVERY.toMinutes());
            }
            throw e;
        }
    }

    /** Why a certificate the trust bundle refused was refused: its validity first, else its issuer. */
    static String reason(X509Certificate leaf) {
        try {
            leaf.checkValidity();
            return "untrusted";
        } catch (CertificateExpiredException e) {
            return "expired";
        } catch (CertificateNotYetValidException e) {
            return "not_yet_valid";
        }
    }

    private static String identity(X509Certificate leaf) {
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            return names == null ? leaf.getSubjectX500Principal().getName()
                    : names.stream().map(name -> Objects.toString(name.get(1))).collect(Collectors.joining(","));
        } catch (CertificateParsingException e) {
            return leaf.getSubjectX500Principal().getName();
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        trust.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        trust.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        trust.checkServerTrusted(chain, authType);
    }

    /**
     * No CA names in the server's certificate request: every client then presents its certificate
     * (Envoy does anyway; JSSE clients would otherwise send none when their root is not listed), and a
     * refused one is counted with its reason instead of failing as "no certificate".
     */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
