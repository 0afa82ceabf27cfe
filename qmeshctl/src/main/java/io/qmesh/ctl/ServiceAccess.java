package io.qmesh.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How qmeshctl reaches the HTTP port (9091: {@code /q/metrics}, {@code /debug/xds/…}) of each replica
 * of a control-plane service: the addresses given with {@code --endpoint SERVICE=URL} (or
 * {@code QMESHCTL_ENDPOINTS}) when there are any for that service, else a port-forward through the
 * Kubernetes API to each Running pod labelled {@code app.kubernetes.io/name=<service>} in
 * {@code qmesh-system}. The one place that knows; commands only ask for a service's replicas.
 */
final class ServiceAccess implements AutoCloseable {

    static final int HTTP_PORT = 9091;
    static final String ENDPOINTS_ENV = "QMESHCTL_ENDPOINTS";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One replica: its name (the pod's, or the address given) and how it was reached, for messages. */
    record Replica(String service, String name, URI url, String how) {
    }

    /** An HTTP answer. */
    record Reply(int status, String body) {
    }

    private final Cluster cluster;
    private final Map<String, List<URI>> endpoints;
    private final Map<URI, LocalPortForward> forwards = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServiceAccess(Cluster cluster, Map<String, List<URI>> endpoints) {
        this.cluster = cluster;
        this.endpoints = endpoints;
    }

    /** @param endpointOptions {@code SERVICE=URL} values of {@code --endpoint} (a service may be given several times) */
    static ServiceAccess of(Cluster cluster, List<String> endpointOptions) {
        Map<String, List<URI>> endpoints = new LinkedHashMap<>();
        for (String option : endpointOptions) {
            if (option.isBlank()) {
                continue;
            }
            int equals = option.indexOf('=');
            String service = equals < 0 ? option : option.substring(0, equals).trim();
            if (equals < 0 || !VersionCommand.SERVICES.contains(service)) {
                throw new CliException(ExitCode.USAGE, "--endpoint '" + option + "' is not SERVICE=URL with SERVICE one of "
                        + String.join(", ", VersionCommand.SERVICES) + " (e.g. xds-service=http://127.0.0.1:9091)");
            }
            URI url;
            try {
                url = URI.create(option.substring(equals + 1).trim().replaceAll("/+$", ""));
            } catch (IllegalArgumentException e) {
                url = null;
            }
            if (url == null || url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
                throw new CliException(ExitCode.USAGE, "--endpoint '" + option + "': the URL must be http://HOST:PORT");
            }
            endpoints.computeIfAbsent(service, s -> new ArrayList<>()).add(url);
        }
        return new ServiceAccess(cluster, endpoints);
    }

    /**
     * The replicas of {@code service}: the given addresses, else one port-forward per Running pod.
     * Empty when the service has no Running pod.
     */
    List<Replica> replicas(String service) {
        if (endpoints.containsKey(service)) {
            return endpoints.get(service).stream()
                    .map(url -> new Replica(service, url.toString(), url, "--endpoint " + service + "=" + url)).toList();
        }
        cluster.requireControlPlane();
        List<Pod> pods = cluster.call("listing the " + service + " pods", c -> c.pods().inNamespace(Cluster.CONTROL_PLANE_NAMESPACE)
                .withLabel("app.kubernetes.io/name", service).list().getItems());
        List<Replica> replicas = new ArrayList<>();
        pods.stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
                        && p.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .forEach(pod -> {
                    String name = pod.getMetadata().getName();
                    LocalPortForward forward = cluster.call("port-forwarding to pod " + Cluster.CONTROL_PLANE_NAMESPACE + "/"
                            + name + " port " + HTTP_PORT, c -> c.pods().inNamespace(Cluster.CONTROL_PLANE_NAMESPACE)
                            .withName(name).portForward(HTTP_PORT));
                    URI url = URI.create("http://127.0.0.1:" + forward.getLocalPort());
                    forwards.put(url, forward);
                    replicas.add(new Replica(service, name, url,
                            "port-forward to pod " + Cluster.CONTROL_PLANE_NAMESPACE + "/" + name + ":" + HTTP_PORT));
                });
        return replicas;
    }

    /** What to say when a service has no replica to ask. */
    static String noReplicas(String service) {
        return "no Running " + service + " pod in " + Cluster.CONTROL_PLANE_NAMESPACE + " (kubectl -n "
                + Cluster.CONTROL_PLANE_NAMESPACE + " get pods -l app.kubernetes.io/name=" + service
                + "); outside a cluster, give its address: --endpoint " + service + "=http://HOST:PORT";
    }

    /**
     * GETs {@code pathAndQuery} from a replica.
     *
     * @throws CliException (unreachable) naming the replica, how it was reached and what to try
     */
    Reply get(Replica replica, String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(replica.url() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new CliException(ExitCode.UNREACHABLE, "asking " + replica.service() + " " + replica.name() + " for "
                    + pathAndQuery + " through " + replica.how() + " failed (" + Cluster.rootMessage(e) + forwardErrors(replica)
                    + "); check that the pod is Running and that you may port-forward (kubectl -n "
                    + Cluster.CONTROL_PLANE_NAMESPACE + " port-forward <pod> " + HTTP_PORT
                    + "), or give an address with --endpoint " + replica.service() + "=http://HOST:PORT");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.UNREACHABLE, "interrupted while asking " + replica.name());
        }
    }

    /**
     * GETs a JSON document of the debug endpoints. A 4xx that carries {@code {"error": …}} (bad
     * parameter, proxy not connected here) is returned as it is, for the caller to judge.
     *
     * @throws CliException when the replica does not answer or does not serve the debug endpoints
     */
    JsonReply getJson(Replica replica, String pathAndQuery) {
        Reply reply = get(replica, pathAndQuery);
        JsonNode json;
        try {
            json = JSON.readTree(reply.body());
        } catch (IOException e) {
            json = null;
        }
        boolean document = json != null && json.isObject();
        if (reply.status() == 200 && document || reply.status() < 500 && document && json.hasNonNull("error")) {
            return new JsonReply(reply.status(), json);
        }
        if (reply.status() == 404) {
            throw new CliException(ExitCode.UNREACHABLE, replica.service() + " " + replica.name() + " does not serve "
                    + pathAndQuery.replaceAll("\\?.*", "") + " (HTTP 404): it is older than this qmeshctl or runs with "
                    + "qmesh.xds.debug.enabled=false; upgrade the control plane or switch the endpoints on");
        }
        throw new CliException(ExitCode.UNREACHABLE, replica.service() + " " + replica.name() + " answered " + pathAndQuery
                + " with HTTP " + reply.status() + ": " + (document && json.has("error") ? json.get("error").asText()
                        : abbreviate(reply.body())));
    }

    /** A JSON answer: 200 with the document, or a 4xx with {@code {"error": …}}. */
    record JsonReply(int status, JsonNode body) {
        boolean ok() {
            return status == 200;
        }

        String error() {
            return body.path("error").asText();
        }
    }

    /** What the port-forward to this replica (if it is one) reported. */
    private String forwardErrors(Replica replica) {
        StringBuilder errors = new StringBuilder();
        LocalPortForward forward = forwards.get(replica.url());
        if (forward != null && forward.errorOccurred()) {
            forward.getClientThrowables().forEach(t -> errors.append("; port-forward: ").append(Cluster.rootMessage(t)));
            forward.getServerThrowables().forEach(t -> errors.append("; port-forward: ").append(Cluster.rootMessage(t)));
        }
        return errors.toString();
    }

    private static String abbreviate(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    @Override
    public void close() {
        for (LocalPortForward forward : forwards.values()) {
            try {
                forward.close();
            } catch (IOException e) {
                // a port-forward that will not close dies with the process
            }
        }
        forwards.clear();
    }
}
