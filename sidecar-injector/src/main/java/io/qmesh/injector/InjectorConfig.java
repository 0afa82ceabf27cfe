package io.qmesh.injector;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** sidecar-injector settings ({@code qmesh.injector.*}); MeshConfig spec.sidecar / spec.traffic override the sidecar ones. */
@ConfigMapping(prefix = "qmesh.injector")
public interface InjectorConfig {

    @WithDefault("qmesh")
    String meshName();

    @WithDefault("qmesh-system")
    String controlPlaneNamespace();

    /** The MeshConfig read for sidecar settings and exclusion lists, in the control-plane namespace. */
    @WithDefault("qmesh-mesh-config")
    String meshConfigName();

    Webhook webhook();

    Ca ca();

    Sidecar sidecar();

    BootstrapCleanup bootstrapCleanup();

    interface Webhook {
        /** HTTPS port of /mutate-pod-creation. */
        @WithDefault("9443")
        int port();

        /**
         * The webhook's Service: its DNS names go into the serving certificate. The CA issues only the
         * names of the caller's own Service, named like its ServiceAccount.
         */
        @WithDefault("sidecar-injector")
        String serviceName();

        /** The MutatingWebhookConfiguration whose caBundle is set on start and renewal. */
        @WithDefault("qmesh-sidecar-injector")
        String configurationName();

        /** Requested lifetime of the serving certificate; renewed at two thirds of the lifetime it gets. */
        @WithDefault("24h")
        Duration certificateTtl();

        /** Also answer POST /noop with {} on the same server: the floor of the webhook benchmark. */
        @WithDefault("false")
        boolean noopEndpoint();
    }

    /** When bootstrap Secrets are deleted ({@link BootstrapSecretCleanup}). */
    interface BootstrapCleanup {
        @WithDefault("true")
        boolean enabled();

        /** A bootstrap Secret whose pod does not exist this long after its admission is deleted (the pod's creation failed). */
        @WithDefault("2m")
        Duration orphanGrace();
    }

    interface Ca {
        @WithDefault("cert-manager-svc.qmesh-system.svc:15131")
        String address();

        /** The injector's ServiceAccount token, sent as {@code authorization: Bearer <token>}. */
        @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/token")
        Path tokenFile();

        @WithDefault("5s")
        Duration timeout();

        /** Requested lifetime of bootstrap certificates. */
        @WithDefault("24h")
        Duration bootstrapTtl();

        /**
         * Bootstrap certificates issued ahead per ServiceAccount once one of its pods is admitted, so its
         * next pods need no CA round trip; 0 issues each during its admission.
         */
        @WithDefault("8")
        int bootstrapPrefetch();
    }

    interface Sidecar {
        @WithDefault("envoyproxy/envoy:v1.32.3")
        String envoyImage();

        @WithDefault("qmesh/init:0.1.0")
        String initImage();

        @WithDefault("info")
        String logLevel();

        @WithDefault("xds-service.qmesh-system.svc")
        String xdsHost();

        @WithDefault("15128")
        int xdsPort();

        /** {@code auto} (from the API server version: Kubernetes 1.29 and later), {@code true} or {@code false}. */
        @WithDefault("auto")
        String nativeSidecars();

    }
}
