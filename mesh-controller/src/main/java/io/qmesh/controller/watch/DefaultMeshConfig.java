package io.qmesh.controller.watch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.qmesh.api.crd.config.MeshConfig;
import java.net.HttpURLConnection;
import org.jboss.logging.Logger;

/**
 * The MeshConfig a mesh starts with. The elected controller creates it when none exists, so
 * {@code kubectl apply -f k8s/} needs no second step (a MeshConfig cannot be applied together with
 * its CRD) and {@code kubectl edit meshconfig} has something to edit. An existing MeshConfig is
 * never touched: create only, a conflict means it is there.
 */
final class DefaultMeshConfig {

    private static final Logger LOG = Logger.getLogger(DefaultMeshConfig.class);
    static final String DEFAULT_CERT_VALIDITY = "24h";

    private DefaultMeshConfig() {
    }

    /** SMI mode (permissive off), egress off, 24 h workload certificates: what the mesh does without one. */
    static MeshConfig of(String namespace, String name) {
        MeshConfig config = new MeshConfig();
        config.getMetadata().setNamespace(namespace);
        config.getMetadata().setName(name);
        config.getMetadata().setLabels(java.util.Map.of("app.kubernetes.io/part-of", "qmesh",
                "app.kubernetes.io/managed-by", "qmesh-mesh-controller"));
        MeshConfig.Spec spec = new MeshConfig.Spec();
        spec.traffic = new MeshConfig.Traffic();
        spec.traffic.enablePermissiveTrafficPolicyMode = false;
        spec.traffic.enableEgress = false;
        spec.certificate = new MeshConfig.Certificate();
        spec.certificate.serviceCertValidityDuration = DEFAULT_CERT_VALIDITY;
        config.setSpec(spec);
        return config;
    }

    /** Creates the default unless a MeshConfig of that name exists; failures are logged, the next election retries. */
    static void ensure(KubernetesClient client, String namespace, String name) {
        try {
            client.resources(MeshConfig.class).inNamespace(namespace).resource(of(namespace, name)).create();
            LOG.infof("created the default MeshConfig %s/%s (SMI mode, egress off); edit it to change the mesh", namespace, name);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                LOG.debugf("MeshConfig %s/%s exists", namespace, name);
                return;
            }
            LOG.warnf("cannot create the default MeshConfig %s/%s: %s (the mesh runs on defaults until one exists)",
                    namespace, name, e.getMessage());
        }
    }
}
