package io.qmesh.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The shipped scrape configuration (k8s/addons/prometheus.yml) with Kubernetes service discovery
 * replaced by static targets that carry the same {@code __meta_kubernetes_*} labels discovery would
 * give them. Everything else — the relabelling that decides what is scraped, where, and how it is
 * labelled — stays as shipped and runs in a real Prometheus. (Debian's Prometheus is built without
 * Kubernetes discovery, so the file as shipped cannot be loaded here.)
 */
final class LocalScrapeConfig {

    /** A pod as Kubernetes discovery would describe it. */
    record DiscoveredPod(String address, Map<String, String> metaLabels) {
    }

    static final String SHIPPED = "k8s/addons/prometheus.yml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private LocalScrapeConfig() {
    }

    /** @param podsByJob the discovered pods for each job name of the shipped configuration */
    static String localized(Map<String, List<DiscoveredPod>> podsByJob) {
        try {
            ObjectNode config = (ObjectNode) YAML.readTree(Manifests.read(Manifests.REPO.resolve(SHIPPED)));
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
