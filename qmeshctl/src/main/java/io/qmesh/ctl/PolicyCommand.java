package io.qmesh.ctl;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.qmesh.api.MeshLabels;
import io.qmesh.api.crd.config.MeshConfig;
import io.qmesh.api.crd.policy.Egress;
import io.qmesh.api.crd.policy.IngressBackend;
import io.qmesh.api.crd.policy.Retry;
import io.qmesh.api.crd.policy.UpstreamTrafficSetting;
import io.qmesh.api.crd.smi.HTTPRouteGroup;
import io.qmesh.api.crd.smi.TCPRoute;
import io.qmesh.api.crd.smi.TrafficSplit;
import io.qmesh.api.crd.smi.TrafficTarget;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.controller.compile.CompilerConfig;
import io.qmesh.controller.compile.MeshInputs;
import io.qmesh.controller.compile.PolicyCompiler;
import io.qmesh.ctl.check.PolicyCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Questions about the access policy, answered by compiling the cluster's state with mesh-controller's own compiler. */
@Command(name = "policy", description = "Ask the mesh's access policy.", subcommands = PolicyCommand.Check.class)
final class PolicyCommand {

    @ParentCommand
    Qmeshctl root;

    @Command(name = "check", description = "Would a call from a pod to a service be allowed, and which rule decides?")
    static final class Check implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        PolicyCommand parent;
        @Spec
        CommandSpec spec;
        @Mixin
        Output output;
        @Parameters(index = "0", paramLabel = "SOURCE-POD", description = "namespace/pod (or pod with -n)")
        String sourcePod;
        @Parameters(index = "1", paramLabel = "DESTINATION-SERVICE", description = "namespace/service[:port] or service.namespace[:port]")
        String destination;
        @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "namespace of a pod given without one")
        String namespace;
        @Option(names = "--path", description = "the request path, e.g. /buy-a-book/new")
        String path;
        @Option(names = "--method", description = "the HTTP method, e.g. GET (default GET when --path is given)")
        String method;
        @Option(names = "--header", paramLabel = "NAME=VALUE", description = "a request header, for route matches on headers")
        java.util.Map<String, String> headers = new java.util.HashMap<>();
        @Option(names = "--mesh-name", defaultValue = MeshLabels.DEFAULT_MESH_NAME, description = "the mesh (default: ${DEFAULT-VALUE})")
        String meshName;

        @Override
        public Integer call() {
            Cluster cluster = parent.root.cluster();
            ObjectRef pod = ref(sourcePod, '/', namespace);
            Pod source = cluster.call("reading pod " + pod.getNamespace() + "/" + pod.getName(),
                    c -> c.pods().inNamespace(pod.getNamespace()).withName(pod.getName()).get());
            if (source == null) {
                throw new CliException(ExitCode.NOT_FOUND, "pod " + pod.getNamespace() + "/" + pod.getName() + " not found");
            }
            String serviceAccount = Optional.ofNullable(source.getSpec().getServiceAccountName()).orElse("default");
            Destination target = Destination.parse(destination);
            CompilerConfig config = new CompilerConfig(meshName, MeshLabels.CONTROL_PLANE_NAMESPACE,
                    CompilerConfig.DEFAULT_MESH_CONFIG_NAME, MeshLabels.DEFAULT_TRUST_DOMAIN, CompilerConfig.DEFAULT_CLUSTER_DOMAIN);
            var policy = new PolicyCompiler(config).compile(MeshInputs.of(read(cluster))).policy();
            PolicyCheck.Verdict verdict;
            try {
                verdict = PolicyCheck.check(policy, new PolicyCheck.Call(
                        io.qmesh.api.mesh.v1.Identity.newBuilder().setNamespace(pod.getNamespace()).setServiceAccount(serviceAccount).build(),
                        target.service(), target.port(), Optional.ofNullable(path), Optional.ofNullable(method), headers));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, e.getMessage());
            }
            output.object(spec.commandLine().getOut(), Output.row("verdict", verdict.allowed() ? "allow" : "deny",
                    "source", pod.getNamespace() + "/" + pod.getName() + " (identity " + pod.getNamespace() + "/" + serviceAccount + ")",
                    "rule", verdict.rule(), "match", verdict.match(), "reason", verdict.reason()));
            return verdict.allowed() ? ExitCode.OK : ExitCode.DENIED;
        }

        private static List<HasMetadata> read(Cluster cluster) {
            List<HasMetadata> all = new ArrayList<>();
            cluster.call("reading the cluster's mesh state", c -> {
                all.addAll(c.namespaces().list().getItems());
                all.addAll(c.services().inAnyNamespace().list().getItems());
                all.addAll(c.discovery().v1().endpointSlices().inAnyNamespace().list().getItems());
                all.addAll(c.pods().inAnyNamespace().list().getItems());
                all.addAll(c.serviceAccounts().inAnyNamespace().list().getItems());
                for (Class<? extends HasMetadata> kind : List.of(MeshConfig.class, TrafficTarget.class, HTTPRouteGroup.class,
                        TCPRoute.class, TrafficSplit.class, Retry.class, UpstreamTrafficSetting.class, Egress.class,
                        IngressBackend.class)) {
                    all.addAll(c.resources(kind).inAnyNamespace().list().getItems());
                }
                return all;
            });
            return all;
        }
    }

    /** A destination service and, optionally, its port. */
    record Destination(ObjectRef service, OptionalInt port) {
        static Destination parse(String text) {
            String name = text;
            OptionalInt port = OptionalInt.empty();
            int colon = text.lastIndexOf(':');
            if (colon > 0) {
                try {
                    port = OptionalInt.of(Integer.parseInt(text.substring(colon + 1)));
                } catch (NumberFormatException e) {
                    throw new CliException(ExitCode.USAGE, "port in '" + text + "' is not a number");
                }
                name = text.substring(0, colon);
            }
            return new Destination(name.contains("/") ? ref(name, '/', null) : ref(name, '.', null), port);
        }
    }

    /** {@code ns/name} (or {@code name.ns} with '.'), or a bare name in {@code defaultNamespace}. */
    static ObjectRef ref(String text, char separator, String defaultNamespace) {
        int at = text.indexOf(separator);
        if (at < 0) {
            if (defaultNamespace == null) {
                throw new CliException(ExitCode.USAGE, "'" + text + "' needs a namespace: namespace/service or service.namespace");
            }
            return ObjectRef.newBuilder().setNamespace(defaultNamespace).setName(text).build();
        }
        String first = text.substring(0, at);
        String second = text.substring(at + 1);
        return separator == '/' ? ObjectRef.newBuilder().setNamespace(first).setName(second).build()
                : ObjectRef.newBuilder().setNamespace(second).setName(first).build();
    }
}
