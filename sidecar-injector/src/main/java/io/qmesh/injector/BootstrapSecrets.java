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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a pod's bootstrap Secret: Envoy's bootstrap YAML, its BOOTSTRAP client certificate from the
 * CA with the trust bundle, the SDS files through which Envoy reads (and rereads) them, and when the
 * certificate is due for renewal ({@link BootstrapRenewal}).
 */
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
                    .addToAnnotations(BootstrapRenewal.RENEW_AT, cert.renewAt(Instant.now()).toString())
                .endMetadata()
                .withType("Opaque")
                .addToData(base64(Map.of(BOOTSTRAP_KEY, EnvoyBootstrap.yaml(spec))))
                .addToData(base64(EnvoyBootstrap.sdsFiles(spec)))
                .addToData(base64(BootstrapRenewal.certificateFiles(cert)))
                .build();
        if (!create) {
            return secret;
        }
        Secret created = client.secrets().inNamespace(spec.podNamespace()).resource(secret).create();
        cleanup.expectPod(spec.podNamespace(), inject.proxyUuid());
        return created;
    }

    /** Secret data: base64, as the API server stores it (a renewal patches the same entries). */
    static Map<String, String> base64(Map<String, String> files) {
        Map<String, String> data = new LinkedHashMap<>();
        files.forEach((file, text) -> data.put(file, Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))));
        return data;
    }
}
