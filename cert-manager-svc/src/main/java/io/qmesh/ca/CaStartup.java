package io.qmesh.ca;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.qmesh.ca.config.CaConfig;
import io.qmesh.ca.config.TtlPolicy;
import io.qmesh.ca.root.RootAuthority;
import io.qmesh.ca.root.RootRotation;
import io.qmesh.ca.sign.BuiltInSigner;
import io.qmesh.ca.sign.CertManagerSigner;
import io.qmesh.ca.sign.IntermediateSigner;
import io.qmesh.ca.sign.Signer;
import io.qmesh.runtime.DaemonThreads;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Picks the signer from {@code qmesh.ca.signer} and starts what it needs: the root and its rotation, or the external CA. */
@ApplicationScoped
public class CaStartup {

    private static final Logger LOG = Logger.getLogger(CaStartup.class);

    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("ca-rotation"));

    @Produces
    @ApplicationScoped
    Signer signer(CaConfig config, RootAuthority roots, RootRotation rotation, KubernetesClient client) {
        String ns = config.namespace();
        return switch (config.signer()) {
            case "builtin" -> {
                roots.start();
                long every = config.rotation().checkInterval().toMillis();
                ticks.scheduleWithFixedDelay(() -> {
                    try {
                        rotation.tick();
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "root rotation step failed secret=%s/%s", ns, config.root().secret());
                    }
                }, every, every, TimeUnit.MILLISECONDS);
                yield new BuiltInSigner(roots);
            }
            case "intermediate" -> {
                IntermediateSigner signer = new IntermediateSigner(ns, config.intermediate().secret());
                signer.start(client, ns, config.intermediate().secret());
                yield signer;
            }
            case "cert-manager" -> new CertManagerSigner(client, ns, config.certManager());
            default -> throw new IllegalArgumentException("qmesh.ca.signer: '" + config.signer()
                    + "' is not one of builtin, intermediate, cert-manager");
        };
    }

    void start(@Observes StartupEvent event, Signer signer, TtlPolicy ttl) {
        ttl.start();
        LOG.infof("certificate authority signer=%s", signer.name());
    }

    void stop(@Observes ShutdownEvent event) {
        ticks.shutdownNow();
    }
}
