package io.qmesh.xds.certs;

import io.qmesh.xds.serve.AdsServer;
import io.qmesh.xds.serve.SecretStore;
import io.qmesh.xds.serve.XdsServer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts the CA client and feeds it the identities of the current proxy groups; when ADS serves a
 * certificate from the CA ({@code qmesh.xds.tls.mode=ca}), also asks it for that certificate.
 */
@ApplicationScoped
public class CertificateWiring {

    private static final Logger LOG = Logger.getLogger(CertificateWiring.class);

    @ConfigProperty(name = "qmesh.xds.ca.enabled", defaultValue = "true")
    boolean enabled;
    @ConfigProperty(name = "qmesh.xds.ca.address", defaultValue = "cert-manager-svc.qmesh-system.svc:15131")
    String address;
    @ConfigProperty(name = "qmesh.xds.ca.token-file", defaultValue = "/var/run/secrets/kubernetes.io/serviceaccount/token")
    String tokenFile;
    @ConfigProperty(name = "HOSTNAME", defaultValue = "local")
    String pod;

    private CertificateAuthorityClient client;

    void start(@Observes StartupEvent event, XdsServer server, SecretStore store, AdsServer ads) {
        if (!enabled) {
            LOG.info("workload certificates disabled (qmesh.xds.ca.enabled=false): SDS serves no secrets");
            return;
        }
        client = new CertificateAuthorityClient(store, address, Path.of(tokenFile), Clock.systemUTC(), "xds-service/" + pod);
        client.start();
        server.onIdentities(client::ensure);
        if (ads.servedFromCa()) {
            client.serving(ads.dnsNames(), ads::serve);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (client != null) {
            client.close();
        }
    }
}
