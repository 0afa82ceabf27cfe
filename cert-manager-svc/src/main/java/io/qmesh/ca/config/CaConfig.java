package io.qmesh.ca.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** cert-manager-svc settings ({@code qmesh.ca.*}); defaults fit an in-cluster install in qmesh-system. */
@ConfigMapping(prefix = "qmesh.ca")
public interface CaConfig {

    /** The control-plane namespace: the root Secret and the MeshConfig live here. */
    @WithDefault("qmesh-system")
    String namespace();

    @WithDefault("cluster.local")
    String trustDomain();

    /** Which signer issues leaves: {@code builtin}, {@code intermediate} or {@code cert-manager}. */
    @WithDefault("builtin")
    String signer();

    Root root();

    Leaf leaf();

    Intermediate intermediate();

    CertManager certManager();

    Auth auth();

    Rotation rotation();

    interface Root {
        @WithDefault("qmesh-ca-root")
        String secret();

        /** Lifetime of a root the CA creates (10 years). */
        @WithDefault("87600h")
        Duration validity();

        @WithDefault("qmesh")
        String organization();
    }

    interface Leaf {
        /** Longest leaf lifetime when MeshConfig sets none. */
        @WithDefault("24h")
        Duration defaultTtl();

        @WithDefault("qmesh-mesh-config")
        String meshConfig();
    }

    interface Intermediate {
        /** kubernetes.io/tls Secret: tls.crt (intermediate, then up to the user's root), tls.key, ca.crt (user's root). */
        @WithDefault("qmesh-ca-intermediate")
        String secret();
    }

    interface CertManager {
        @WithDefault("qmesh-ca")
        String issuerName();

        /** Issuer or ClusterIssuer. */
        @WithDefault("Issuer")
        String issuerKind();

        @WithDefault("cert-manager.io")
        String issuerGroup();

        /** How long to wait for cert-manager to sign one request. */
        @WithDefault("30s")
        Duration timeout();
    }

    interface Auth {
        @WithDefault("60s")
        Duration tokenCacheTtl();

        @WithDefault("10000")
        int tokenCacheSize();

        /** Audiences asked of TokenReview; empty: the API server's default. */
        Optional<List<String>> audiences();

        /** Callers (namespace/serviceaccount) that may obtain WORKLOAD certificates. */
        @WithDefault("qmesh-system/xds-service")
        List<String> workload();

        @WithDefault("qmesh-system/sidecar-injector")
        List<String> bootstrap();

        @WithDefault("qmesh-system/sidecar-injector")
        List<String> webhook();

        /** Callers that may obtain a SERVING certificate for their own Service (xds-service's ADS port). */
        @WithDefault("qmesh-system/xds-service")
        List<String> serving();

        /** Namespaces whose identities no WORKLOAD/BOOTSTRAP request may name; default: {@link #namespace()}. */
        Optional<List<String>> protectedNamespaces();
    }

    interface Rotation {
        /** How often phases are checked and advanced. */
        @WithDefault("60s")
        Duration checkInterval();

        /** Begin rotating when the issuing root has less than this left (1 year). */
        @WithDefault("8760h")
        Duration rotateBefore();

        /** Phase 1 length: how long both roots are trusted before issuance switches (bundle propagation). */
        @WithDefault("1h")
        Duration overlap();
    }
}
