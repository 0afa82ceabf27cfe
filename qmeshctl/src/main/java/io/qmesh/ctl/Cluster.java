package io.qmesh.ctl;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Function;
import java.util.function.Supplier;

/** The cluster as the user's kubeconfig names it, with failures turned into messages that say what to do. */
final class Cluster {

    static final String CONTROL_PLANE_NAMESPACE = "qmesh-system";

    private final Supplier<KubernetesClient> clients;
    private KubernetesClient client;

    Cluster(Supplier<KubernetesClient> clients) {
        this.clients = clients;
    }

    static KubernetesClient fromKubeconfig() {
        String kubeconfig = System.getenv("KUBECONFIG");
        boolean hasKubeconfig = kubeconfig != null && !kubeconfig.isBlank()
                ? java.util.Arrays.stream(kubeconfig.split(java.io.File.pathSeparator)).anyMatch(f -> new java.io.File(f).isFile())
                : new java.io.File(System.getProperty("user.home"), ".kube/config").isFile();
        boolean inCluster = System.getenv("KUBERNETES_SERVICE_HOST") != null;
        if (!hasKubeconfig && !inCluster) {
            throw new CliException(ExitCode.UNREACHABLE, "no Kubernetes cluster configured: no kubeconfig at "
                    + (kubeconfig != null ? "KUBECONFIG=" + kubeconfig : "~/.kube/config")
                    + "; point KUBECONFIG at one (for a try of qmesh without a cluster, run `make demo`)");
        }
        return new KubernetesClientBuilder().withConfig(Config.autoConfigure(null)).build();
    }

    /** Runs {@code call} against the API, naming {@code what} it tried when the cluster fails. */
    <T> T call(String what, Function<KubernetesClient, T> call) {
        try {
            if (client == null) {
                client = clients.get();
            }
            return call.apply(client);
        } catch (KubernetesClientException e) {
            String server = client == null ? "the cluster" : client.getMasterUrl().toString();
            if (e.getCode() == 403) {
                throw new CliException(ExitCode.UNREACHABLE, what + ": forbidden by " + server + " (" + e.getStatus().getMessage()
                        + "); ask for RBAC permission or use another context");
            }
            throw new CliException(ExitCode.UNREACHABLE, what + ": " + server + " did not answer (" + rootMessage(e)
                    + "); check `kubectl cluster-info` and your kubeconfig context");
        }
    }

    Namespace requireNamespace(String name) {
        Namespace namespace = call("reading namespace " + name, c -> c.namespaces().withName(name).get());
        if (namespace == null) {
            throw new CliException(ExitCode.NOT_FOUND, "namespace " + name + " not found; create it first: kubectl create namespace " + name);
        }
        return namespace;
    }

    void requireControlPlane() {
        Namespace namespace = call("looking for the control plane", c -> c.namespaces().withName(CONTROL_PLANE_NAMESPACE).get());
        if (namespace == null) {
            throw new CliException(ExitCode.NOT_FOUND, "qmesh is not installed in this cluster (no namespace "
                    + CONTROL_PLANE_NAMESPACE + "); install it with: kubectl apply -f k8s/");
        }
    }

    /** The innermost cause's message (its class name when it has none): what actually went wrong. */
    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
