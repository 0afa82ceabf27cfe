package io.qmesh.xds.serve;

import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.qmesh.runtime.tls.Pem;
import io.qmesh.runtime.tls.ReloadingKeyManager;
import io.qmesh.runtime.tls.ReloadingTrustManager;
import io.qmesh.xds.generate.WorkloadCertificate;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * The ADS port Envoy (and proxyless gRPC) connects to: a grpc-java Netty server of xds-service's
 * own rather than Quarkus's gRPC server, so that its certificate and trusted roots can change while
 * it runs. Every handshake reads the current serving certificate and trust bundle, so a renewal or a
 * root rotation applies to the next connection and open streams are left alone.
 *
 * <p>{@code qmesh.xds.tls.mode}:
 * <ul>
 * <li>{@code ca} (the default): a SERVING certificate for {@code qmesh.xds.tls.dns-names} (the
 * Service's names) from cert-manager-svc, renewed at about 2/3 of its lifetime; client certificates
 * are checked against the mesh trust bundle from the same CA. Not ready until both are held.</li>
 * <li>{@code files}: certificate, key and trust bundle from PEM files, read once at start.</li>
 * <li>{@code plaintext}: no TLS, for local development. Proxies then have no SPIFFE identity, so
 * {@code qmesh.xds.require-client-certificate} must be false.</li>
 * </ul>
 */
@ApplicationScoped
public class AdsServer {

    private static final Logger LOG = Logger.getLogger(AdsServer.class);
    static final String NAME = "ads-server";

    private enum TlsMode {
        CA, FILES, PLAINTEXT;

        static TlsMode parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("qmesh.xds.tls.mode: '" + value + "' is not one of ca, files, plaintext", e);
            }
        }
    }

    private final AdsService ads;
    private final XdsMetrics metrics;
    private final SecretStore secrets;
    private final TlsMode mode;
    private final int port;
    private final List<String> dnsNames;
    private final boolean requireClientCertificate;
    private final boolean caEnabled;
    private final Optional<Path> certificateFile;
    private final Optional<Path> keyFile;
    private final Optional<Path> trustBundleFile;
    private final ReloadingKeyManager keyManager = new ReloadingKeyManager();
    private final ReloadingTrustManager trustManager = new ReloadingTrustManager();
    private volatile Server server;

    AdsServer(AdsService ads, SecretStore secrets, XdsMetrics metrics,
            @ConfigProperty(name = "qmesh.xds.tls.mode", defaultValue = "ca") String mode,
            @ConfigProperty(name = "qmesh.xds.ads.port", defaultValue = "15128") int port,
            @ConfigProperty(name = "qmesh.xds.tls.dns-names",
                    defaultValue = "xds-service.qmesh-system.svc,xds-service.qmesh-system.svc.cluster.local") List<String> dnsNames,
            @ConfigProperty(name = "qmesh.xds.ca.enabled", defaultValue = "true") boolean caEnabled,
            @ConfigProperty(name = "qmesh.xds.tls.certificate") Optional<Path> certificateFile,
            @ConfigProperty(name = "qmesh.xds.tls.key") Optional<Path> keyFile,
            @ConfigProperty(name = "qmesh.xds.tls.trust-bundle") Optional<Path> trustBundleFile) {
        this.ads = ads;
        this.metrics = metrics;
        this.secrets = secrets;
        this.mode = TlsMode.parse(mode);
        this.port = port;
        this.dnsNames = List.copyOf(dnsNames);
        this.requireClientCertificate = ads.requiresClientCertificate();
        this.caEnabled = caEnabled;
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.trustBundleFile = trustBundleFile;
    }

    void start(@Observes StartupEvent event) throws IOException {
        // Requests are handled on the connection's event loop: nothing on the request path blocks (admission
        // reads the current policy, java-control-plane queues responses on the push executors), and a hop to
        // a pool per ACK cost about a quarter of the server's CPU in a fleet-wide change (XdsBenchmark)
        NettyServerBuilder builder = NettyServerBuilder.forPort(port).directExecutor()
                // Envoy keeps its ADS connection open for days; let it ping, also between streams
                .permitKeepAliveTime(10, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true)
                .addService(PeerIdentity.addedTo(ads.definition()));
        switch (mode) {
            case PLAINTEXT -> {
                if (requireClientCertificate) {
                    throw new IllegalStateException("qmesh.xds.tls.mode=plaintext: no proxy can present a client "
                            + "certificate, so qmesh.xds.require-client-certificate must be false");
                }
                LOG.warn("ADS serves plaintext (qmesh.xds.tls.mode=plaintext): proxies are not authenticated");
            }
            case FILES -> {
                serve(readFiles());
                trust(read(required(trustBundleFile, "qmesh.xds.tls.trust-bundle")));
                builder.sslContext(sslContext());
            }
            case CA -> {
                if (!caEnabled) {
                    throw new IllegalStateException("qmesh.xds.tls.mode=ca needs cert-manager-svc, but qmesh.xds.ca.enabled=false;"
                            + " use qmesh.xds.tls.mode=files or plaintext");
                }
                secrets.onChange(change -> {
                    if (change.identity().isEmpty()) {
                        trust(secrets.trustBundle());
                    }
                });
                if (!secrets.trustBundle().isEmpty()) {
                    trust(secrets.trustBundle());
                }
                builder.sslContext(sslContext());
            }
        }
        server = builder.build().start();
        LOG.infof("ADS listening port=%d tls=%s client_certificate=%s", server.getPort(), mode.name().toLowerCase(Locale.ROOT),
                requireClientCertificate ? "required" : "optional");
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        Server s = server;
        if (s != null) {
            s.shutdown();
            if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
                s.shutdownNow();
            }
        }
    }

    /** The port ADS listens on (the configured one, or the one picked for port 0), -1 before start. */
    public int port() {
        Server s = server;
        return s == null ? -1 : s.getPort();
    }

    /** Whether ADS gets its serving certificate from cert-manager-svc (see {@code CertificateWiring}). */
    public boolean servedFromCa() {
        return mode == TlsMode.CA;
    }

    /** The names a SERVING certificate is requested for. */
    public List<String> dnsNames() {
        return dnsNames;
    }

    /** Presents {@code certificate} from the next handshake on. */
    public void serve(WorkloadCertificate certificate) {
        keyManager.update(certificate.chainPem(), certificate.privateKeyPem());
        metrics.servingCertificate(certificate.notAfter());
        LOG.infof("ADS serving certificate serial=%s not_after=%s",
                keyManager.leaf().orElseThrow().getSerialNumber().toString(16), certificate.notAfter());
    }

    /** Accepts client certificates from the roots in {@code bundlePem} from the next handshake on. */
    void trust(String bundlePem) {
        trustManager.update(bundlePem);
        LOG.infof("ADS trusts client certificates from %d root(s)", trustManager.getAcceptedIssuers().length);
    }

    private SslContext sslContext() throws SSLException {
        return GrpcSslContexts.configure(SslContextBuilder.forServer(keyManager))
                .trustManager(new ClientCertificateCheck(trustManager, metrics))
                .clientAuth(requireClientCertificate ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL).build();
    }

    private WorkloadCertificate readFiles() {
        X509Certificate leaf;
        String chain = read(required(certificateFile, "qmesh.xds.tls.certificate"));
        try {
            leaf = Pem.certificates(chain).get(0);
        } catch (CertificateException e) {
            throw new IllegalStateException("qmesh.xds.tls.certificate " + certificateFile.get() + ": " + e.getMessage(), e);
        }
        return new WorkloadCertificate(chain, read(required(keyFile, "qmesh.xds.tls.key")),
                leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
    }

    private static Path required(Optional<Path> file, String property) {
        return file.orElseThrow(() -> new IllegalStateException("qmesh.xds.tls.mode=files needs " + property));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Ready once listening with a certificate and trust bundle (TLS modes). */
    @Readiness
    @ApplicationScoped
    static class ReadinessCheck implements HealthCheck {

        private final AdsServer server;

        ReadinessCheck(AdsServer server) {
            this.server = server;
        }

        @Override
        public HealthCheckResponse call() {
            return server.readiness();
        }
    }

    HealthCheckResponse readiness() {
        var response = HealthCheckResponse.named(NAME).withData("mode", mode.name().toLowerCase(Locale.ROOT))
                .withData("port", port());
        if (server == null) {
            return response.down().withData("reason", "not started").build();
        }
        if (mode == TlsMode.PLAINTEXT) {
            return response.up().build();
        }
        Optional<X509Certificate> served = keyManager.leaf();
        if (served.isEmpty()) {
            return response.down().withData("reason", "no serving certificate from cert-manager-svc yet").build();
        }
        X509Certificate leaf = served.get();
        if (!trustManager.loaded()) {
            return response.down().withData("reason", "no trust bundle from cert-manager-svc yet").build();
        }
        if (leaf.getNotAfter().toInstant().isBefore(Instant.now())) {
            return response.down().withData("reason", "serving certificate expired " + leaf.getNotAfter().toInstant()).build();
        }
        return response.up().withData("serial", leaf.getSerialNumber().toString(16))
                .withData("not_after", leaf.getNotAfter().toInstant().toString()).build();
    }
}
