package io.qmesh.ctl;

import io.fabric8.kubernetes.api.model.Namespace;
import io.qmesh.api.MeshLabels;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Enrol namespaces in the mesh, release them, list the enrolled ones. */
@Command(name = "namespace", aliases = "ns", description = "Enrol namespaces in the mesh, release them, list them.",
        subcommands = {NamespaceCommand.Add.class, NamespaceCommand.Remove.class, NamespaceCommand.ListEnrolled.class})
final class NamespaceCommand {

    @ParentCommand
    Qmeshctl root;

    @Option(names = "--mesh-name", defaultValue = MeshLabels.DEFAULT_MESH_NAME, scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "the mesh (default: ${DEFAULT-VALUE})")
    String meshName;

    @Command(name = "add", description = "Enrol namespaces: label %s=<mesh> and annotate sidecar injection.")
    static final class Add implements Runnable {
        @ParentCommand
        NamespaceCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "NAMESPACE")
        List<String> namespaces;
        @Option(names = "--disable-sidecar-injection", description = "enrol without injecting sidecars into new pods")
        boolean disableInjection;

        @Override
        public void run() {
            Cluster cluster = parent.root.cluster();
            String injection = disableInjection ? "disabled" : "enabled";
            for (String name : namespaces) {
                cluster.requireNamespace(name);
                cluster.call("enrolling namespace " + name, c -> c.namespaces().withName(name).edit(ns -> {
                    ns.getMetadata().getLabels().put(MeshLabels.MONITORED_BY, parent.meshName);
                    ns.getMetadata().getAnnotations().put(MeshLabels.SIDECAR_INJECTION, injection);
                    return ns;
                }));
                spec.commandLine().getOut().println("namespace " + name + " enrolled in mesh " + parent.meshName
                        + " (sidecar injection " + injection + "; pods created from now on get the sidecar, "
                        + "restart existing ones: kubectl -n " + name + " rollout restart deploy)");
            }
        }
    }

    @Command(name = "remove", description = "Release namespaces from the mesh (existing sidecars stay until pods restart).")
    static final class Remove implements Runnable {
        @ParentCommand
        NamespaceCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "NAMESPACE")
        List<String> namespaces;

        @Override
        public void run() {
            Cluster cluster = parent.root.cluster();
            for (String name : namespaces) {
                Namespace namespace = cluster.requireNamespace(name);
                String mesh = namespace.getMetadata().getLabels() == null ? null
                        : namespace.getMetadata().getLabels().get(MeshLabels.MONITORED_BY);
                if (!parent.meshName.equals(mesh)) {
                    throw new CliException(ExitCode.NOT_FOUND, "namespace " + name + " is not enrolled in mesh " + parent.meshName
                            + (mesh == null ? "" : " (it is in mesh " + mesh + ")"));
                }
                cluster.call("releasing namespace " + name, c -> c.namespaces().withName(name).edit(ns -> {
                    ns.getMetadata().getLabels().remove(MeshLabels.MONITORED_BY);
                    ns.getMetadata().getAnnotations().remove(MeshLabels.SIDECAR_INJECTION);
                    return ns;
                }));
                spec.commandLine().getOut().println("namespace " + name + " released from mesh " + parent.meshName);
            }
        }
    }

    @Command(name = "list", aliases = "ls", description = "The namespaces enrolled in the mesh and their injection state.")
    static final class ListEnrolled implements Runnable {
        @ParentCommand
        NamespaceCommand parent;
        @Spec
        CommandSpec spec;
        @Mixin
        Output output;

        @Override
        public void run() {
            List<Namespace> enrolled = parent.root.cluster().call("listing enrolled namespaces", c -> c.namespaces()
                    .withLabel(MeshLabels.MONITORED_BY, parent.meshName).list().getItems());
            List<Map<String, Object>> rows = enrolled.stream()
                    .sorted(java.util.Comparator.comparing(n -> n.getMetadata().getName()))
                    .map(n -> Output.row("namespace", n.getMetadata().getName(), "mesh", parent.meshName,
                            "sidecarInjection", injection(n)))
                    .toList();
            output.table(spec.commandLine().getOut(), rows, "namespace", "mesh", "sidecarInjection");
        }

        private static String injection(Namespace namespace) {
            Map<String, String> annotations = namespace.getMetadata().getAnnotations();
            String value = annotations == null ? null : annotations.get(MeshLabels.SIDECAR_INJECTION);
            return value == null ? "not set (disabled)" : value;
        }
    }
}
