package io.qmesh.injector.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Envoy's bootstrap YAML: node id and metadata, ADS over gRPC to xds-service with mTLS (the client
 * certificate and trust bundle from the bootstrap Secret, through file-based SDS so that renewed files
 * are picked up: {@link #sdsFiles}; the node is sent on every request, which xds-service's cache
 * relies on, so {@code set_node_on_first_message_only} is left unset), admin on 127.0.0.1:15000, a
 * stats listener on 15010 ({@code /stats/prometheus}, {@code /ready}) and one static listener per
 * rewritten-probe port.
 */
public final class EnvoyBootstrap {

    public static final int ADMIN_PORT = 15000;
    public static final int STATS_PORT = 15010;
    public static final String XDS_CLUSTER = "qmesh-xds";
    public static final String ADMIN_CLUSTER = "qmesh-admin";
    /** Files of the bootstrap Secret, mounted in {@link BootstrapSpec#certDirectory()}. */
    public static final String CERTIFICATE_FILE = "tls.crt";
    public static final String KEY_FILE = "tls.key";
    public static final String TRUST_BUNDLE_FILE = "ca.crt";
    public static final String SDS_CERTIFICATE_FILE = "sds-certificate.yaml";
    public static final String SDS_TRUST_FILE = "sds-trust.yaml";
    static final String CERTIFICATE_SECRET = "qmesh-bootstrap-certificate";
    static final String TRUST_SECRET = "qmesh-bootstrap-trust";
    private static final String HCM = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
    private static final String ROUTER = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";
    private static final String HEALTH_CHECK = "type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck";
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private EnvoyBootstrap() {
    }

    public static String yaml(BootstrapSpec spec) {
        try {
            return YAML.writeValueAsString(build(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bootstrap of proxy " + spec.nodeId() + " cannot be written", e);
        }
    }

    static Map<String, Object> build(BootstrapSpec spec) {
        Map<String, Object> metadata = new TreeMap<>();
        metadata.put("mesh", spec.meshName());
        metadata.put("pod_name", spec.podName());
        metadata.put("pod_namespace", spec.podNamespace());
        metadata.put("pod_uid", spec.podUid());
        metadata.put("proxy_uuid", spec.proxyUuid());
        metadata.put("service_account", spec.serviceAccount());

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("node", map("id", spec.nodeId(), "cluster", spec.serviceAccount() + "." + spec.podNamespace(),
                "metadata", metadata));
        root.put("admin", map("address", socket("127.0.0.1", ADMIN_PORT)));
        Map<String, Object> ads = map("ads", Map.of(), "resource_api_version", "V3");
        root.put("dynamic_resources", map(
                "ads_config", map("api_type", "GRPC", "transport_api_version", "V3",
                        "grpc_services", List.of(map("envoy_grpc", map("cluster_name", XDS_CLUSTER)))),
                "cds_config", ads, "lds_config", ads));
        root.put("static_resources", map("listeners", listeners(spec), "clusters", clusters(spec)));
        return root;
    }

    private static List<Object> listeners(BootstrapSpec spec) {
        List<Object> listeners = new ArrayList<>();
        listeners.add(httpListener("qmesh-stats", STATS_PORT, List.of(
                route(map("path", "/stats/prometheus"), ADMIN_CLUSTER, null),
                route(map("path", "/ready"), ADMIN_CLUSTER, null)), List.of()));
        Map<Integer, List<ProbeRoute>> byPort = new TreeMap<>();
        spec.probeRoutes().forEach(r -> byPort.computeIfAbsent(r.listenerPort(), p -> new ArrayList<>()).add(r));
        byPort.forEach((port, routes) -> {
            List<Object> httpRoutes = new ArrayList<>();
            List<Object> healthChecks = new ArrayList<>();
            for (ProbeRoute r : routes) {
                if (r.tcp()) {
                    healthChecks.add(map("name", "envoy.filters.http.health_check", "typed_config", map(
                            "@type", HEALTH_CHECK, "pass_through_mode", false,
                            "headers", List.of(map("name", ":path", "string_match", map("exact", r.path()))),
                            "cluster_min_healthy_percentages", map(probeCluster(r), map("value", 100.0)))));
                } else {
                    httpRoutes.add(route(map("path", r.path()), probeCluster(r), r.targetPath()));
                }
            }
            listeners.add(httpListener("qmesh-probe-" + port, port, httpRoutes, healthChecks));
        });
        return listeners;
    }

    private static List<Object> clusters(BootstrapSpec spec) {
        List<Object> clusters = new ArrayList<>();
        clusters.add(staticCluster(ADMIN_CLUSTER, ADMIN_PORT, false));
        spec.probeRoutes().stream().map(r -> Map.entry(probeCluster(r), r)).distinct()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> staticCluster(e.getKey(), e.getValue().targetPort(), e.getValue().tcp()))
                .distinct().forEach(clusters::add);
        // certificate and trust bundle through file-based SDS: the injector renews them in the Secret,
        // Kubernetes swaps the mounted files, Envoy reloads them (static tls_certificates are read once)
        Map<String, Object> tls = map("name", "envoy.transport_sockets.tls", "typed_config", map(
                "@type", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                "sni", spec.xdsHost(),
                "common_tls_context", map(
                        "tls_params", map("tls_minimum_protocol_version", "TLSv1_2"),
                        "tls_certificate_sds_secret_configs", List.of(sdsSecret(spec, CERTIFICATE_SECRET, SDS_CERTIFICATE_FILE)),
                        // only xds-service's own SERVING certificate is accepted, not any certificate of the mesh CA
                        "combined_validation_context", map(
                                "default_validation_context", map("match_typed_subject_alt_names", List.of(map(
                                        "san_type", "DNS", "matcher", map("exact", spec.xdsHost())))),
                                "validation_context_sds_secret_config", sdsSecret(spec, TRUST_SECRET, SDS_TRUST_FILE)))));
        Map<String, Object> xds = new LinkedHashMap<>();
        xds.put("name", XDS_CLUSTER);
        xds.put("type", "LOGICAL_DNS");
        xds.put("connect_timeout", "1s");
        xds.put("typed_extension_protocol_options", map("envoy.extensions.upstreams.http.v3.HttpProtocolOptions", map(
                "@type", "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                "explicit_http_config", map("http2_protocol_options", Map.of()))));
        xds.put("load_assignment", loadAssignment(XDS_CLUSTER, spec.xdsHost(), spec.xdsPort()));
        xds.put("transport_socket", tls);
        clusters.add(xds);
        return clusters;
    }

    /**
     * The SDS files the bootstrap points at, by file name in the bootstrap Secret: one Secret
     * resource each, naming the certificate files next to them.
     */
    public static Map<String, String> sdsFiles(BootstrapSpec spec) {
        String dir = spec.certDirectory();
        Map<String, String> files = new LinkedHashMap<>();
        files.put(SDS_CERTIFICATE_FILE, sdsFile(map("name", CERTIFICATE_SECRET, "tls_certificate", map(
                "certificate_chain", map("filename", dir + "/" + CERTIFICATE_FILE),
                "private_key", map("filename", dir + "/" + KEY_FILE)))));
        files.put(SDS_TRUST_FILE, sdsFile(map("name", TRUST_SECRET, "validation_context", map(
                "trusted_ca", map("filename", dir + "/" + TRUST_BUNDLE_FILE)))));
        return files;
    }

    private static String sdsFile(Map<String, Object> secret) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("@type", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret");
        resource.putAll(secret);
        try {
            return YAML.writeValueAsString(map("resources", List.of(resource)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("SDS file for " + secret.get("name") + " cannot be written", e);
        }
    }

    /** An SDS secret read from a file of the bootstrap Secret, reloaded when Kubernetes updates the mounted Secret. */
    private static Map<String, Object> sdsSecret(BootstrapSpec spec, String name, String file) {
        String dir = spec.certDirectory();
        return map("name", name, "sds_config", map(
                "path_config_source", map("path", dir + "/" + file, "watched_directory", map("path", dir)),
                "resource_api_version", "V3"));
    }

    private static String probeCluster(ProbeRoute r) {
        return (r.tcp() ? "qmesh-tcp-probe-" : "qmesh-probe-") + r.targetPort();
    }

    private static Map<String, Object> staticCluster(String name, int port, boolean tcpHealthCheck) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("type", "STATIC");
        c.put("connect_timeout", "1s");
        c.put("load_assignment", loadAssignment(name, "127.0.0.1", port));
        if (tcpHealthCheck) {
            c.put("health_checks", List.of(map("timeout", "1s", "interval", "1s", "unhealthy_threshold", 1,
                    "healthy_threshold", 1, "tcp_health_check", Map.of())));
        }
        return c;
    }

    private static Map<String, Object> httpListener(String name, int port, List<Object> routes, List<Object> healthChecks) {
        List<Object> filters = new ArrayList<>(healthChecks);
        filters.add(map("name", "envoy.filters.http.router", "typed_config", map("@type", ROUTER)));
        List<Object> allRoutes = new ArrayList<>(routes);
        allRoutes.add(map("match", map("prefix", "/"), "direct_response", map("status", 404)));
        Map<String, Object> hcm = map("@type", HCM, "stat_prefix", name, "codec_type", "AUTO",
                "route_config", map("name", name, "virtual_hosts", List.of(map(
                        "name", name, "domains", List.of("*"), "routes", allRoutes))),
                "http_filters", filters);
        return map("name", name, "address", socket("0.0.0.0", port), "filter_chains", List.of(map(
                "filters", List.of(map("name", "envoy.filters.network.http_connection_manager", "typed_config", hcm)))));
    }

    private static Map<String, Object> route(Map<String, Object> match, String cluster, String rewrite) {
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("cluster", cluster);
        if (rewrite != null) {
            action.put("prefix_rewrite", rewrite);
        }
        return map("match", match, "route", action);
    }

    private static Map<String, Object> loadAssignment(String cluster, String host, int port) {
        return map("cluster_name", cluster, "endpoints", List.of(map("lb_endpoints", List.of(
                map("endpoint", map("address", socket(host, port)))))));
    }

    private static Map<String, Object> socket(String host, int port) {
        return map("socket_address", map("address", host, "port_value", port));
    }

    /** An insertion-ordered map from key, value pairs. */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
