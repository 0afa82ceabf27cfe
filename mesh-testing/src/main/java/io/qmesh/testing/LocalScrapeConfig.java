package io.qmesh.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shipped scrape configuration (k8s/addons/prometheus.yml) with Kubernetes service discovery
 * replaced by static targets that carry the same {@code __meta_kubernetes_*} labels discovery would
 * give them. Everything else — the relabelling that decides what is scraped, where, and how it is
 * labelled — stays as shipped and runs in a real Prometheus, with the shipped alerting rules (their
 * paths made absolute). (Debian's Prometheus is built without Kubernetes discovery, so the file as
 * shipped cannot be loaded here.)
 */
public final class LocalScrapeConfig {

    /** A pod as Kubernetes discovery would describe it. */
    public record DiscoveredPod(String address, Map<String, String> metaLabels) {
        public DiscoveredPod {
            metaLabels = Map.copyOf(metaLabels);
        }

        /**
         * The labels Prometheus' Kubernetes pod discovery ({@code role: pod}) gives a pod: namespace, name,
         * and each label and annotation as {@code __meta_kubernetes_pod_label_<name>} /
         * {@code __meta_kubernetes_pod_annotation_<name>} (names sanitized as Prometheus does).
         */
        public static DiscoveredPod of(String address, String namespace, String name, Map<String, String> labels,
                Map<String, String> annotations) {
            Map<String, String> meta = new TreeMap<>();
            meta.put("__meta_kubernetes_namespace", namespace);
            meta.put("__meta_kubernetes_pod_name", name);
            labels.forEach((k, v) -> {
                meta.put("__meta_kubernetes_pod_label_" + sanitized(k), v);
                meta.put("__meta_kubernetes_pod_labelpresent_" + sanitized(k), "true");
            });
            annotations.forEach((k, v) -> {
                meta.put("__meta_kubernetes_pod_annotation_" + sanitized(k), v);
                meta.put("__meta_kubernetes_pod_annotationpresent_" + sanitized(k), "true");
            });
            return new DiscoveredPod(address, meta);
        }

        private static String sanitized(String name) {
            return name.replaceAll("[^a-zA-Z0-9_]", "_");
        }
    }

    /** Where the shipped configuration lives, relative to the repository root. */
    public static final String SHIPPED = "k8s/addons/prometheus.yml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private LocalScrapeConfig() {
    }

    /**
     * @param repo      the repository root
     * @param podsByJob the discovered pods for each job name of the shipped configuration
     */
    public static String localized(Path repo, Map<String, List<DiscoveredPod>> podsByJob) {
        return localized(repo, podsByJob, null);
    }

    /** As {@link #localized(Path, Map)}, scraping every {@code scrapeInterval} instead of the shipped interval (when not null). */
    public static String localized(Path repo, Map<String, List<DiscoveredPod>> podsByJob, Duration scrapeInterval) {
        try {
            ObjectNode config = (ObjectNode) YAML.readTree(Files.readString(repo.resolve(SHIPPED)));
            if (scrapeInterval != null) {
                ObjectNode global = config.get("global") instanceof ObjectNode g ? g : config.putObject("global");
                global.put("scrape_interval", scrapeInterval.toMillis() + "ms");
                global.put("evaluation_interval", scrapeInterval.toMillis() + "ms");
            }
            // rule files sit next to the shipped configuration, which the localized one is not
            if (config.get("rule_files") instanceof ArrayNode rules) {
                ArrayNode absolute = config.putArray("rule_files");
                rules.forEach(r -> absolute.add(repo.resolve(SHIPPED).resolveSibling(r.asText()).toAbsolutePath().toString()));
            }
            for (JsonNode job : config.path("scrape_configs")) {
                ObjectNode scrape = (ObjectNode) job;
                scrape.remove("kubernetes_sd_configs");
                ArrayNode statics = scrape.putArray("static_configs");
                for (DiscoveredPod pod : podsByJob.getOrDefault(scrape.path("job_name").asText(), List.of())) {
                    ObjectNode group = statics.addObject();
                    group.putArray("targets").add(pod.address());
                    ObjectNode labels = group.putObject("labels");
                    pod.metaLabels().forEach(labels::put);
                }
            }
            return YAML.writeValueAsString(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
