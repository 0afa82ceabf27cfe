package io.qmesh.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Is the mesh healthy? Each service's Deployment (ready replicas, version = its image tag, as
 * {@code version} shows), mesh-controller's leader (its Lease), the CA root's expiry
 * ({@code qmesh_ca_root_expiry_timestamp_seconds} from cert-manager-svc's metrics), and per
 * xds-service replica the MeshPolicy version it holds, its groups, connected proxies and recent NACKs
 * ({@code /debug/xds/status}). Exit 0 when healthy, 5 when degraded (the problems are listed).
 */
@Command(name = "status", description = "Health of the control plane: replicas, versions, leader, MeshPolicy held by "
        + "each xds-service replica, connected proxies, recent NACKs, CA root expiry. Exit 5 when degraded.")
final class StatusCommand implements Callable<Integer> {

    /** mesh-controller's Lease ({@code qmesh.controller.lease-name}). */
    static final String LEASE = "qmesh-controller";
    static final String CA_EXPIRY_METRIC = "qmesh_ca_root_expiry_timestamp_seconds";
    /** A CA root closer than this to its expiry is a problem. */
    static final Duration ROOT_WARNING = Duration.ofDays(30);

    @ParentCommand
    Qmeshctl root;
    @Spec
    CommandSpec spec;
    @Mixin
    Output output;
    @Option(names = "--minutes", defaultValue = "5", description = "count the NACKs of the last N minutes, 1 to 60 (default: ${DEFAULT-VALUE})")
    int minutes;

    @Override
    public Integer call() {
        if (minutes < 1 || minutes > 60) {
            throw new CliException(ExitCode.USAGE, "--minutes must be from 1 to 60 (xds-service keeps an hour of NACKs)");
        }
        Cluster cluster = root.cluster();
        cluster.requireControlPlane();
        Instant now = root.clock().instant();
        List<String> problems = new ArrayList<>();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("services", services(cluster, problems));
        document.put("leader", leader(cluster, now, problems));
        try (ServiceAccess access = root.serviceAccess(cluster)) {
            document.put("caRoot", caRoot(access, now, problems));
            document.put("xdsReplicas", xdsReplicas(access, problems));
        }
        document.put("healthy", problems.isEmpty());
        document.put("problems", problems);
        output.document(spec.commandLine().getOut(), document, out -> printText(out, document));
        return problems.isEmpty() ? ExitCode.OK : ExitCode.DEGRADED;
    }

    private static List<Map<String, Object>> services(Cluster cluster, List<String> problems) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String service : VersionCommand.SERVICES) {
            Deployment deployment = cluster.call("reading deployment " + service, c -> c.apps().deployments()
                    .inNamespace(Cluster.CONTROL_PLANE_NAMESPACE).withName(service).get());
            if (deployment == null) {
                rows.add(Output.row("service", service, "ready", 0, "desired", 0, "version", "not installed"));
                problems.add(service + " is not installed (no Deployment " + Cluster.CONTROL_PLANE_NAMESPACE + "/" + service
                        + "); kubectl apply -f k8s/");
                continue;
            }
            int desired = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
            int ready = deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null ? 0
                    : deployment.getStatus().getReadyReplicas();
            rows.add(Output.row("service", service, "ready", ready, "desired", desired, "version", VersionCommand.imageTag(deployment)));
            if (ready < desired || desired == 0) {
                problems.add(service + ": " + ready + " of " + desired + " replicas ready (kubectl -n "
                        + Cluster.CONTROL_PLANE_NAMESPACE + " describe deployment " + service + ")");
            }
        }
        return rows;
    }

    private static Map<String, Object> leader(Cluster cluster, Instant now, List<String> problems) {
        Lease lease = cluster.call("reading Lease " + LEASE, c -> c.leases().inNamespace(Cluster.CONTROL_PLANE_NAMESPACE)
                .withName(LEASE).get());
        Map<String, Object> leader = Output.row("lease", Cluster.CONTROL_PLANE_NAMESPACE + "/" + LEASE);
        String holder = lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
        if (holder == null || holder.isEmpty()) {
            leader.put("holder", null);
            problems.add("mesh-controller has no leader (Lease " + Cluster.CONTROL_PLANE_NAMESPACE + "/" + LEASE
                    + " is absent or held by nobody): no replica writes status conditions; check its logs");
            return leader;
        }
        leader.put("holder", holder);
        Instant renewed = lease.getSpec().getRenewTime() == null ? null : lease.getSpec().getRenewTime().toInstant();
        leader.put("renewTime", renewed == null ? null : renewed.toString());
        int seconds = lease.getSpec().getLeaseDurationSeconds() == null ? 15 : lease.getSpec().getLeaseDurationSeconds();
        boolean expired = renewed == null || renewed.plusSeconds(seconds).isBefore(now);
        leader.put("expired", expired);
        if (expired) {
            problems.add("mesh-controller's leader " + holder + " has not renewed Lease " + Cluster.CONTROL_PLANE_NAMESPACE
                    + "/" + LEASE + " since " + renewed + " (lease " + seconds + "s): is mesh-controller running?");
        }
        return leader;
    }

    private static Map<String, Object> caRoot(ServiceAccess access, Instant now, List<String> problems) {
        List<ServiceAccess.Replica> replicas = access.replicas("cert-manager-svc");
        List<String> errors = new ArrayList<>();
        for (ServiceAccess.Replica replica : replicas) {
            try {
                ServiceAccess.Reply metrics = access.get(replica, "/q/metrics");
                Double seconds = metric(metrics.body(), CA_EXPIRY_METRIC);
                if (metrics.status() != 200 || seconds == null || seconds.isNaN()) {
                    errors.add(replica.name() + (metrics.status() != 200 ? " answered HTTP " + metrics.status()
                            : " has no CA root loaded (" + CA_EXPIRY_METRIC + " is absent or NaN)"));
                    continue;
                }
                Instant expires = Instant.ofEpochSecond(seconds.longValue());
                long days = Duration.between(now, expires).toDays();
                if (expires.isBefore(now.plus(ROOT_WARNING))) {
                    problems.add("the CA root expires " + expires + " (in " + days + " days): rotate it (annotate Secret "
                            + Cluster.CONTROL_PLANE_NAMESPACE + "/qmesh-ca-root with qmesh.io/rotate-root)");
                }
                return Output.row("expires", expires.toString(), "daysLeft", days, "from", replica.name());
            } catch (CliException e) {
                errors.add(e.getMessage());
            }
        }
        String error = replicas.isEmpty() ? ServiceAccess.noReplicas("cert-manager-svc") : String.join("; ", errors);
        problems.add("CA root expiry unknown: " + error);
        return Output.row("expires", null, "error", error);
    }

    private List<Map<String, Object>> xdsReplicas(ServiceAccess access, List<String> problems) {
        List<ServiceAccess.Replica> replicas = access.replicas("xds-service");
        if (replicas.isEmpty()) {
            problems.add(ServiceAccess.noReplicas("xds-service"));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ServiceAccess.Replica replica : replicas) {
            try {
                ServiceAccess.JsonReply reply = access.getJson(replica, "/debug/xds/status?minutes=" + minutes);
                if (!reply.ok()) {
                    throw new CliException(ExitCode.UNREACHABLE, replica.name() + " answered HTTP " + reply.status() + ": " + reply.error());
                }
                JsonNode status = reply.body();
                String policy = status.path("policyVersion").isNull() ? null : status.path("policyVersion").asText();
                Map<String, Object> nacksByType = new LinkedHashMap<>();
                status.path("nacks").path("byType").fields().forEachRemaining(e -> nacksByType.put(e.getKey(), e.getValue().asInt()));
                JsonNode stale = status.path("staleGroups");
                rows.add(Output.row("replica", replica.name(), "policyVersion", policy,
                        "groups", status.path("groups").asInt(), "staleGroups", stale.size(),
                        "connectedProxies", status.path("connectedProxies").asInt(),
                        "nacks", status.path("nacks").path("total").asInt(), "nacksByType", nacksByType, "error", null));
                if (!stale.isEmpty()) {
                    problems.add("xds-service " + replica.name() + ": " + stale.size() + " proxy group(s) keep an earlier "
                            + "configuration, e.g. " + stale.get(0).path("group").asText() + " ("
                            + stale.get(0).path("reason").asText() + "): " + stale.get(0).path("cause").asText());
                }
                if (policy == null) {
                    problems.add("xds-service " + replica.name() + " holds no MeshPolicy yet: it is not connected to "
                            + "mesh-controller (its logs say why)");
                }
            } catch (CliException e) {
                rows.add(Output.row("replica", replica.name(), "policyVersion", null, "groups", null, "staleGroups", null,
                        "connectedProxies", null, "nacks", null, "nacksByType", Map.of(), "error", e.getMessage()));
                problems.add("xds-service " + replica.name() + " did not answer: " + e.getMessage());
            }
        }
        return rows;
    }

    /** The value of an unlabelled sample in Prometheus text, or null. */
    static Double metric(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                try {
                    return Double.parseDouble(line.substring(name.length() + 1).trim().split(" ")[0]);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private void printText(PrintWriter out, Map<String, Object> document) {
        List<Map<String, Object>> services = new ArrayList<>();
        for (Map<String, Object> row : (List<Map<String, Object>>) document.get("services")) {
            services.add(Output.row("service", row.get("service"), "ready", row.get("ready") + "/" + row.get("desired"),
                    "version", row.get("version")));
        }
        Output.printTable(out, services, "service", "ready", "version");
        out.println();
        Map<String, Object> leader = (Map<String, Object>) document.get("leader");
        out.println("leader:    " + (leader.get("holder") == null ? "none" : leader.get("holder") + " (Lease " + leader.get("lease")
                + ", renewed " + leader.get("renewTime") + (Boolean.TRUE.equals(leader.get("expired")) ? ", EXPIRED" : "") + ")"));
        Map<String, Object> ca = (Map<String, Object>) document.get("caRoot");
        out.println("CA root:   " + (ca.get("expires") == null ? "unknown" : "expires " + ca.get("expires") + " (in "
                + ca.get("daysLeft") + " days)"));
        out.println();
        List<Map<String, Object>> replicas = new ArrayList<>();
        List<Map<String, Object>> xds = (List<Map<String, Object>>) document.get("xdsReplicas");
        for (Map<String, Object> row : xds) {
            replicas.add(Output.row("xds-service replica", row.get("replica"),
                    "policy version", row.get("error") != null ? "did not answer" : shortVersion((String) row.get("policyVersion")),
                    "groups", groups(row), "proxies", Objects.toString(row.get("connectedProxies"), "-"),
                    "nacks (" + minutes + "m)", nacks(row)));
        }
        Output.printTable(out, replicas, "xds-service replica", "policy version", "groups", "proxies", "nacks (" + minutes + "m)");
        if (xds.stream().map(r -> r.get("policyVersion")).filter(Objects::nonNull).distinct().count() > 1) {
            out.println("(the replicas hold different MeshPolicy versions: a change is being delivered, or a replica lost "
                    + "mesh-controller; run again to see them converge)");
        }
        List<String> problems = (List<String>) document.get("problems");
        out.println();
        if (problems.isEmpty()) {
            out.println("healthy");
        } else {
            out.println("degraded:");
            problems.forEach(p -> out.println("  - " + p));
        }
    }

    private static String groups(Map<String, Object> row) {
        Object stale = row.get("staleGroups");
        return Objects.toString(row.get("groups"), "-")
                + (stale instanceof Integer n && n > 0 ? " (" + n + " on an earlier configuration)" : "");
    }

    @SuppressWarnings("unchecked")
    private static String nacks(Map<String, Object> row) {
        if (row.get("nacks") == null) {
            return "-";
        }
        Map<String, Object> byType = (Map<String, Object>) row.get("nacksByType");
        StringBuilder text = new StringBuilder(String.valueOf(row.get("nacks")));
        if (!byType.isEmpty()) {
            List<String> parts = new ArrayList<>();
            byType.forEach((type, count) -> parts.add(type + " " + count));
            text.append(" (").append(String.join(", ", parts)).append(')');
        }
        return text.toString();
    }

    /** {@code sha256:} and the first 12 hex digits, like a short git hash. */
    static String shortVersion(String version) {
        if (version == null) {
            return "none";
        }
        return version.startsWith("sha256:") && version.length() > 19 ? version.substring(0, 19) : version;
    }
}
