package io.qmesh.ca.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.api.Identity;
import io.qmesh.ca.issue.Certificates;
import io.qmesh.ca.issue.LeafKind;
import io.qmesh.ca.issue.LeafSubject;
import io.qmesh.ca.issue.Serials;
import io.qmesh.ca.issue.TestCsrs;
import io.qmesh.ca.issue.TestRoots;
import io.qmesh.ca.issue.Validity;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Real mutual-TLS handshakes (JSSE, TLS 1.3, loopback) between leaves of the old and the new root
 * across a rotation: both trusted during the overlap, the old root's leaves refused once it is removed.
 */
class RootRotationTlsIT {

    static final Clock CLOCK = Clock.systemUTC();

    record Workload(KeyPair keys, X509Certificate leaf) {
    }

    @Test
    void rotation_overlapHandshakesAcrossRoots_thenRemovedRootFails() throws Exception {
        Instant now = CLOCK.instant();
        TestRoots.Ca oldRoot = TestRoots.root(CLOCK);
        TestRoots.Ca newRoot = TestRoots.root(CLOCK);
        RootSet steady = RootSet.of(RootEntry.issuing(oldRoot.certificate(), oldRoot.keys().getPrivate(), now));
        Workload bookbuyer = issue(steady, "bookbuyer");

        RootSet overlap = steady.beginRotation(newRoot.certificate(), newRoot.keys().getPrivate(), now)
                .switchIssuer(now, now.plus(Duration.ofHours(24)));
        Workload bookstore = issue(overlap, "bookstore");
        assertThat(bookstore.leaf().getIssuerX500Principal()).isEqualTo(newRoot.certificate().getSubjectX500Principal());
        assertThat(bookbuyer.leaf().getIssuerX500Principal()).isEqualTo(oldRoot.certificate().getSubjectX500Principal());

        assertThat(handshake(bookstore, overlap.trusted(), bookbuyer, overlap.trusted()))
                .as("old-root client to new-root server, both trusting the overlap bundle").isEqualTo("ok");
        assertThat(handshake(bookbuyer, overlap.trusted(), bookstore, overlap.trusted()))
                .as("new-root client to old-root server").isEqualTo("ok");

        RootSet after = overlap.dropExpired(now.plus(Duration.ofHours(24)));
        assertThat(after.trusted()).containsExactly(newRoot.certificate());
        assertThat(handshake(bookstore, after.trusted(), bookbuyer, after.trusted()))
                .as("client holding only a leaf of the removed root: the server asks for the new root's leaves only")
                .contains("server: javax.net.ssl.SSLHandshakeException: Empty client certificate chain");
        assertThat(handshake(bookbuyer, overlap.trusted(), bookstore, after.trusted()))
                .as("server presenting a leaf of the removed root to a client that no longer trusts it")
                .contains("client: javax.net.ssl.SSLHandshakeException: PKIX path building failed");
        assertThat(handshake(bookstore, after.trusted(), issue(after, "bookbuyer"), after.trusted()))
                .as("a re-issued leaf from the new root").isEqualTo("ok");
    }

    private static Workload issue(RootSet roots, String serviceAccount) {
        KeyPair keys = TestCsrs.ec("secp256r1");
        X509Certificate leaf = Certificates.leaf(LeafSubject.spiffe(LeafKind.WORKLOAD, Identity.of("bookstore", serviceAccount),
                "cluster.local"), keys.getPublic(), roots.issuer(), Validity.bounded(Duration.ofHours(1), Duration.ofHours(24), CLOCK),
                Serials.random128(TestCsrs.RANDOM));
        return new Workload(keys, leaf);
    }

    /** "ok" when the mTLS handshake and one byte each way succeed; otherwise what failed. */
    private static String handshake(Workload server, List<X509Certificate> serverTrusts, Workload client,
            List<X509Certificate> clientTrusts) throws Exception {
        SSLContext serverContext = context(server, serverTrusts);
        SSLContext clientContext = context(client, clientTrusts);
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            listener.setEnabledProtocols(new String[] {"TLSv1.3"});
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(5000);
                    InputStream in = socket.getInputStream();
                    int read = in.read();
                    socket.getOutputStream().write(read);
                    socket.getOutputStream().flush();
                    return "served";
                } catch (Exception e) {
                    return "server: " + e;
                }
            });
            String result;
            try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                socket.setSoTimeout(5000);
                socket.setEnabledProtocols(new String[] {"TLSv1.3"});
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(42);
                out.flush();
                result = socket.getInputStream().read() == 42 ? "ok" : "client: no echo";
            } catch (Exception e) {
                result = "client: " + e;
            }
            String serverSide = served.get(10, TimeUnit.SECONDS);
            return result.equals("ok") && serverSide.equals("served") ? "ok" : result + " / " + serverSide;
        }
    }

    private static SSLContext context(Workload workload, List<X509Certificate> trusted) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("leaf", workload.keys().getPrivate(), new char[0], new X509Certificate[] {workload.leaf()});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
        keys.store(OutputStream.nullOutputStream(), new char[0]);
        keyManagers.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < trusted.size(); i++) {
            trust.setCertificateEntry("root-" + i, trusted.get(i));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }
}
