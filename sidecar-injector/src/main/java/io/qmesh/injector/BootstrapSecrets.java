package io.qmesh.injector;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.qmesh.api.MeshLabels;
import io.qmesh.injector.certs.BootstrapCertificates;
import io.qmesh.injector.certs.CaClient;
import io.qmesh.injector.certs.IssuedCertificate;
import io.qmesh.injector.patch.EnvoyBootstrap;
import io.qmesh.injector.patch.PodInjector;
import jakarta.enterprise.context.ApplicationScoped;

/** Writes a pod's bootstrap Secret: Envoy's bootstrap YAML and its BOOTSTRAP client certificate from the CA. */
@ApplicationScoped
public class BootstrapSecrets {

    public static final String BOOTSTRAP_KEY = "bootstrap.yaml";

    private final KubernetesClient client;
    private final BootstrapCertificates certificates;
    private final BootstrapSecretCleanup cleanup;

    public BootstrapSecrets(KubernetesClient client, BootstrapCertificates certificates, BootstrapSecretCleanup cleanup) {
        this.client = client;
        this.certificates = certificates;
        this.cleanup = cleanup;
    }

    /** The Secret for an injection; {@code create} false (dry run) builds it without writing. */
    public Secret write(PodInjector.Inject inject, boolean create) throws CaClient.CaException {
        var spec = inject.bootstrap();
        IssuedCertificate cert = certificates.take(spec.podNamespace(), spec.serviceAccount(), spec.nodeId());
        Secret secret = new SecretBuilder()
                .withNewMetadata().withName(inject.secretName()).withNamespace(spec.podNamespace())
                    .addToLabels(MeshLabels.PROXY_UUID, inject.proxyUuid())
                    .addToLabels("app.kubernetes.io/managed-by", "qmesh-sidecar-injector")
                .endMetadata()
                .withType("Opaque")
                .addToStringData(BOOTSTRAP_KEY, EnvoyBootstrap.yaml(spec))
                .addToStringData("tls.crt", cert.certificateChainPem())
                .addToStringData("tls.key", cert.privateKeyPem())
                .addToStringData("ca.crt", cert.trustBundlePem())
                .build();
        if (!create) {
            return secret;
        }
        Secret created = client.secrets().inNamespace(spec.podNamespace()).resource(secret).create();
        cleanup.expectPod(spec.podNamespace(), inject.proxyUuid());
        return created;
    }
}
