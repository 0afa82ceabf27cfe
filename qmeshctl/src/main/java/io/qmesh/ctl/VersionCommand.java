package io.qmesh.ctl;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The client's version and, unless --client, the version each control-plane Deployment runs. */
@Command(name = "version", description = "Versions of qmeshctl and of the control plane in the cluster.")
final class VersionCommand implements Runnable {

    static final List<String> SERVICES = List.of("mesh-controller", "cert-manager-svc", "xds-service", "sidecar-injector");

    @ParentCommand
    Qmeshctl root;
    @Spec
    CommandSpec spec;
    @Mixin
    Output output;
    @Option(names = "--client", description = "only the client's version; do not contact the cluster")
    boolean clientOnly;

    @Override
    public void run() {
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("qmeshctl", Qmeshctl.clientVersion());
        if (!clientOnly) {
            Cluster cluster = root.cluster();
            cluster.requireControlPlane();
            for (String service : SERVICES) {
                Deployment deployment = cluster.call("reading deployment " + service, c -> c.apps().deployments()
                        .inNamespace(Cluster.CONTROL_PLANE_NAMESPACE).withName(service).get());
                versions.put(service, deployment == null ? "not installed" : imageTag(deployment));
            }
        }
        output.object(spec.commandLine().getOut(), versions);
    }

    static String imageTag(Deployment deployment) {
        String image = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "latest";
    }
}
