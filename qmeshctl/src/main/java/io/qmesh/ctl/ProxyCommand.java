package io.qmesh.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.Pod;
import io.qmesh.api.mesh.v1.ObjectRef;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What xds-service serves each proxy, read from every xds-service replica's debug endpoints (a proxy
 * is connected to one replica; each replica knows only its own).
 */
@Command(name = "proxy", description = "What xds-service serves the mesh's proxies.",
        subcommands = {ProxyCommand.Config.class, ProxyCommand.Status.class})
final class ProxyCommand {

    static final List<String> KINDS = List.of("listeners", "routes", "clusters", "endpoints", "secrets");

    @ParentCommand
    Qmeshctl root;

    /** A proxy's answer from the replica it is connected to. */
    record Found(ServiceAccess.Replica replica, JsonNode document) {
    }

    @Command(name = "config", description = "The Envoy (or proxyless) configuration xds-service serves a pod's proxy "
            + "group, as YAML (secrets redacted). Each resource parses as its Envoy type.")
    static final class Config implements Callable<Integer> {
        @ParentCommand
        ProxyCommand parent;
        @Spec
        CommandSpec spec;
        @Mixin
        Output output;
        @Parameters(paramLabel = "POD", description = "namespace/pod (or pod with -n)")
        String pod;
        @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "namespace of a pod given without one")
        String namespace;
        @Option(names = "--type", split = ",", paramLabel = "KIND",
                description = "only these kinds: listeners, routes, clusters, endpoints, secrets (default: all)")
        List<String> types = new ArrayList<>();

        @Override
        public Integer call() {
            for (String type : types) {
                if (!KINDS.contains(type)) {
                    throw new CliException(ExitCode.USAGE, "--type " + type + " is not one of " + String.join(", ", KINDS));
                }
            }
            ObjectRef ref = PolicyCommand.ref(pod, '/', namespace);
            String query = "/debug/xds/config?proxy=" + encode(ref.getNamespace() + "/" + ref.getName())
                    + (types.isEmpty() ? "" : "&type=" + encode(String.join(",", types)));
            Found found = parent.askReplicas(ref, query).get(0);
            ObjectNode document = found.document().deepCopy();
            ObjectNode ordered = document.objectNode();
            ordered.set("proxy", document.remove("proxy"));
            ordered.put("replica", found.replica().name());
            ordered.setAll(document);
            PrintWriter out = spec.commandLine().getOut();
            out.print(output.format == Output.Format.json ? write(JSON, ordered) + "\n" : write(YAML, ordered));
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "status", description = "Every connected proxy (or one pod's) with, per kind, the version it ACKed "
            + "against the latest xds-service has for it: SYNCED, STALE, NACKED or NOT SENT.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        ProxyCommand parent;
        @Spec
        CommandSpec spec;
        @Mixin
        Output output;
        @Parameters(arity = "0..1", paramLabel = "POD", description = "only this pod (namespace/pod, or pod with -n), in detail")
        String pod;
        @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "namespace of a pod given without one")
        String namespace;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (pod != null) {
                ObjectRef ref = PolicyCommand.ref(pod, '/', namespace);
                List<Map<String, Object>> streams = new ArrayList<>();
                for (Found found : parent.askReplicas(ref, "/debug/xds/proxies?proxy=" + encode(ref.getNamespace() + "/" + ref.getName()))) {
                    found.document().path("proxies").forEach(p -> streams.add(proxyRow(found.replica(), p)));
                }
                output.document(out, streams, text -> streams.forEach(s -> printDetail(text, s)));
                return ExitCode.OK;
            }
            List<Map<String, Object>> proxies = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            Cluster cluster = parent.root.cluster();
            try (ServiceAccess access = parent.root.serviceAccess(cluster)) {
                List<ServiceAccess.Replica> replicas = access.replicas("xds-service");
                if (replicas.isEmpty()) {
                    throw new CliException(ExitCode.NOT_FOUND, ServiceAccess.noReplicas("xds-service"));
                }
                for (ServiceAccess.Replica replica : replicas) {
                    try {
                        access.getJson(replica, "/debug/xds/proxies").body().path("proxies")
                                .forEach(p -> proxies.add(proxyRow(replica, p)));
                    } catch (CliException e) {
                        failures.add(e.getMessage());
                    }
                }
            }
            proxies.sort(java.util.Comparator.comparing(p -> String.valueOf(p.get("proxy"))));
            output.document(out, proxies, text -> printSummary(text, proxies));
            failures.forEach(f -> spec.commandLine().getErr().println("error: " + f));
            spec.commandLine().getErr().flush();
            return failures.isEmpty() ? ExitCode.OK : ExitCode.UNREACHABLE;
        }

        private static void printSummary(PrintWriter out, List<Map<String, Object>> proxies) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Map<String, Object> proxy : proxies) {
                Map<String, Object> row = Output.row("proxy", proxy.get("proxy"), "replica", proxy.get("replica"),
                        "kind", proxy.get("kind") + "/" + proxy.get("stream"));
                JsonNode types = (JsonNode) proxy.get("types");
                KINDS.forEach(k -> row.put(k, types.path(k).path("state").asText("-")));
                rows.add(row);
            }
            List<String> columns = new ArrayList<>(List.of("proxy", "replica", "kind"));
            columns.addAll(KINDS);
            Output.printTable(out, rows, columns.toArray(String[]::new));
        }

        private static void printDetail(PrintWriter out, Map<String, Object> proxy) {
            out.println("proxy:      " + proxy.get("proxy"));
            out.println("replica:    " + proxy.get("replica"));
            out.println("group:      " + proxy.get("group"));
            out.println("kind:       " + proxy.get("kind") + " (" + proxy.get("stream") + " ADS, connected "
                    + proxy.get("connectedAt") + ")");
            out.println();
            List<Map<String, Object>> rows = new ArrayList<>();
            JsonNode types = (JsonNode) proxy.get("types");
            for (String kind : KINDS) {
                JsonNode type = types.path(kind);
                JsonNode nack = type.path("lastNack");
                rows.add(Output.row("type", kind, "state", type.path("state").asText(), "acked", text(type.path("acked")),
                        "latest", text(type.path("latest")), "last nack", nack.isObject() ? nack.path("at").asText() + " "
                                + nack.path("code").asText() + " (version " + text(nack.path("version")) + "): "
                                + nack.path("message").asText() : ""));
            }
            Output.printTable(out, rows, "type", "state", "acked", "latest", "last nack");
            out.println();
        }

        private static String text(JsonNode value) {
            return value.isNull() || value.isMissingNode() ? "-" : value.asText();
        }
    }

    /** A proxy entry of {@code /debug/xds/proxies}, with the replica that answered first. */
    static Map<String, Object> proxyRow(ServiceAccess.Replica replica, JsonNode proxy) {
        return Output.row("proxy", proxy.path("proxy").asText(), "replica", replica.name(), "group", proxy.path("group").asText(),
                "kind", proxy.path("kind").asText(), "stream", proxy.path("stream").asText(),
                "connectedAt", proxy.path("connectedAt").asText(), "types", proxy.path("types"));
    }

    /**
     * Asks every xds-service replica {@code query} about a pod, which must exist. The answers of the
     * replicas it is connected to (a 200 with content); NOT_FOUND naming the replicas asked when none,
     * UNREACHABLE when a replica that might hold it did not answer.
     */
    List<Found> askReplicas(ObjectRef pod, String query) {
        String name = pod.getNamespace() + "/" + pod.getName();
        Cluster cluster = root.cluster();
        Pod found = cluster.call("reading pod " + name, c -> c.pods().inNamespace(pod.getNamespace()).withName(pod.getName()).get());
        if (found == null) {
            throw new CliException(ExitCode.NOT_FOUND, "pod " + name + " not found (kubectl -n " + pod.getNamespace() + " get pods)");
        }
        List<Found> answers = new ArrayList<>();
        List<String> asked = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (ServiceAccess access = root.serviceAccess(cluster)) {
            List<ServiceAccess.Replica> replicas = access.replicas("xds-service");
            if (replicas.isEmpty()) {
                throw new CliException(ExitCode.NOT_FOUND, ServiceAccess.noReplicas("xds-service"));
            }
            for (ServiceAccess.Replica replica : replicas) {
                asked.add(replica.name());
                try {
                    ServiceAccess.JsonReply answer = access.getJson(replica, query);
                    if (answer.status() == 400) {
                        throw new CliException(ExitCode.USAGE, replica.name() + ": " + answer.error());
                    }
                    // 404: not connected to this replica; an empty list of proxies says the same
                    if (answer.ok() && (!answer.body().has("proxies") || !answer.body().get("proxies").isEmpty())) {
                        answers.add(new Found(replica, answer.body()));
                    }
                } catch (CliException e) {
                    if (e.exitCode() != ExitCode.UNREACHABLE) {
                        throw e;
                    }
                    failures.add(e.getMessage());
                }
            }
        }
        if (!answers.isEmpty()) {
            return answers;
        }
        if (!failures.isEmpty()) {
            throw new CliException(ExitCode.UNREACHABLE, "pod " + name + " is not connected to the xds-service replicas that "
                    + "answered, and these did not: " + String.join("; ", failures));
        }
        throw new CliException(ExitCode.NOT_FOUND, "pod " + name + "'s proxy is not connected to xds-service (asked "
                + String.join(", ", asked) + "). Does the pod have a sidecar (kubectl -n " + pod.getNamespace()
                + " get pod " + pod.getName() + " -o jsonpath='{.spec.containers[*].name}'; is its namespace enrolled: "
                + "qmeshctl namespace list)? Is the sidecar running and reaching xds-service (kubectl -n " + pod.getNamespace()
                + " logs " + pod.getName() + " -c envoy)?");
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE));

    private static String write(ObjectMapper mapper, JsonNode document) {
        try {
            return mapper.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("output of a JSON tree cannot fail", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
