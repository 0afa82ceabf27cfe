package io.qmesh.injector;

import io.qmesh.injector.certs.IssuedCertificate;
import io.qmesh.injector.certs.WebhookCertificates;
import io.qmesh.runtime.tls.ReloadingKeyManager;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyCertOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * HTTPS for {@code POST /mutate-pod-creation} with the webhook certificate; a renewed certificate is
 * swapped into the key manager every handshake reads, no restart and no dropped connection. The server starts
 * once the first certificate is issued (readiness says so until then).
 */
@ApplicationScoped
public class WebhookServer {

    public static final String PATH = "/mutate-pod-creation";
    /** Same server, no work: the floor the webhook benchmark compares against (only when enabled). */
    public static final String NOOP_PATH = "/noop";
    private static final Logger LOG = Logger.getLogger(WebhookServer.class);
    private static final int MAX_BODY = 3 * 1024 * 1024;

    private final Vertx vertx;
    private final AdmissionHandler handler;
    private final WebhookCertificates certificates;
    private final InjectorConfig config;
    private final boolean noopEndpoint;
    private final ReloadingKeyManager keyManager = new ReloadingKeyManager();
    private volatile HttpServer server;

    public WebhookServer(Vertx vertx, AdmissionHandler handler, WebhookCertificates certificates, InjectorConfig config) {
        this.vertx = vertx;
        this.handler = handler;
        this.certificates = certificates;
        this.config = config;
        this.noopEndpoint = config.webhook().noopEndpoint();
    }

    void onStart(@Observes StartupEvent event) {
        certificates.onCertificate(this::serve);
        // off the startup thread: the service is live (and says why it is not ready) while the CA answers
        certificates.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        certificates.stop();
        HttpServer s = server;
        if (s != null) {
            s.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
        }
    }

    /** The listening port, or -1 before the first certificate. */
    public int port() {
        HttpServer s = server;
        return s == null ? -1 : s.actualPort();
    }

    private synchronized void serve(IssuedCertificate cert) {
        try {
            keyManager.update(cert.certificateChainPem(), cert.privateKeyPem());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("webhook certificate serial=" + cert.serialNumber() + " cannot be loaded", e);
        }
        if (server != null) {
            LOG.infof("webhook port=%d serves renewed certificate serial=%s", server.actualPort(), cert.serialNumber());
            return;
        }
        // HTTP/2 via ALPN: the API server multiplexes admissions over one connection instead of a TLS handshake each
        HttpServerOptions options = new HttpServerOptions().setSsl(true).setKeyCertOptions(KeyCertOptions.wrap(keyManager))
                .setUseAlpn(true).setPort(config.webhook().port()).setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS);
        HttpServer created = vertx.createHttpServer(options).requestHandler(this::route);
        server = created.listen().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        LOG.infof("webhook port=%d path=%s serving certificate serial=%s", server.actualPort(), PATH, cert.serialNumber());
    }

    private void route(HttpServerRequest request) {
        boolean noop = noopEndpoint && NOOP_PATH.equals(request.path());
        if (!PATH.equals(request.path()) && !noop) {
            request.response().setStatusCode(404).end("not found: the webhook serves POST " + PATH + "\n");
            return;
        }
        if (request.method() != io.vertx.core.http.HttpMethod.POST) {
            request.response().setStatusCode(405).putHeader("Allow", "POST").end("use POST\n");
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 12
                && Long.parseLong(length) > MAX_BODY) {
            request.response().setStatusCode(413).end("AdmissionReview larger than " + MAX_BODY + " bytes\n");
            return;
        }
        request.body().onFailure(e -> request.response().setStatusCode(400).end("cannot read the request body\n"))
                .onSuccess(body -> {
                    if (noop) {
                        request.response().putHeader("Content-Type", "application/json").end("{}");
                        return;
                    }
                    vertx.executeBlocking(() -> handler.handle(body.getBytes()), false)
                            .onSuccess(out -> request.response().putHeader("Content-Type", "application/json")
                                    .end(Buffer.buffer(out)))
                            .onFailure(e -> request.response().setStatusCode(500).end("sidecar-injector failed: " + e + "\n"));
                });
    }
}
