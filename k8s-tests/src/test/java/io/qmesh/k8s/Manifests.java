package io.qmesh.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads the manifests under k8s/ the way kubectl does: every document of every .yaml/.yml/.json file. */
final class Manifests {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path K8S = REPO.resolve("k8s");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Manifests() {
    }

    /** The files {@code kubectl apply -f k8s/} reads (not recursive), in the order it applies them. */
    static List<Path> applyFiles() {
        try (Stream<Path> files = Files.list(K8S)) {
            return files.filter(f -> f.toString().matches(".*\\.(yaml|yml|json)$")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> objects(List<Path> files) {
        List<JsonNode> objects = new ArrayList<>();
        for (Path file : files) {
            objects.addAll(parse(read(file)));
        }
        return objects;
    }

    static List<JsonNode> parse(String yaml) {
        try {
            List<JsonNode> documents = new ArrayList<>();
            try (var parser = YAML.getFactory().createParser(yaml)) {
                for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                    JsonNode node = it.next();
                    if (node != null && !node.isNull() && !node.isMissingNode()) {
                        documents.add(node);
                    }
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code Kind/namespace/name}, how a reader names an object. */
    static String id(JsonNode object) {
        JsonNode metadata = object.path("metadata");
        String namespace = metadata.path("namespace").asText("");
        return object.path("kind").asText() + "/" + (namespace.isEmpty() ? "" : namespace + "/")
                + metadata.path("name").asText();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
