package io.qmesh.injector;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.fabric8.kubernetes.client.VersionInfo;
import io.qmesh.api.MeshLabels;
import java.util.function.Consumer;

/**
 * The cluster the injector's tests run against (fabric8 mock API server, CRUD mode): Kubernetes
 * 1.30 on /version, an enrolled namespace {@code shop}, a namespace {@code plain} that is not, and
 * the MutatingWebhookConfiguration without a caBundle.
 */
public class ClusterSetup implements Consumer<KubernetesServer> {

    public static final String ENROLLED = "shop";
    public static final String NOT_ENROLLED = "plain";

    @Override
    public void accept(KubernetesServer server) {
        server.getKubernetesMockServer().setVersionInfo(new VersionInfo.Builder().withMajor("1").withMinor("30")
                .withGitVersion("v1.30.4").build());
        var client = server.getClient();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ENROLLED)
                .addToLabels(MeshLabels.MONITORED_BY, MeshLabels.DEFAULT_MESH_NAME)
                .addToAnnotations(MeshLabels.SIDECAR_INJECTION, "enabled").endMetadata().build()).create();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NOT_ENROLLED)
                .endMetadata().build()).create();
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(
                new MutatingWebhookConfigurationBuilder().withNewMetadata().withName("qmesh-sidecar-injector").endMetadata()
                        .addNewWebhook().withName("sidecar-injector.qmesh.io").withAdmissionReviewVersions("v1")
                        .withSideEffects("NoneOnDryRun").withNewClientConfig().withNewService()
                        .withName("qmesh-sidecar-injector").withNamespace("qmesh-system")
                        .withPath("/mutate-pod-creation").withPort(9443).endService().endClientConfig()
                        .endWebhook().build()).create();
    }
}
