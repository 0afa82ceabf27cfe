package io.qmesh.controller;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.qmesh.controller.compile.ResourceKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Kubernetes and CRD YAML (several documents) to typed objects; protos to deterministic YAML. Test support. */
public final class KubeYaml {

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES))
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final Map<String, Class<? extends HasMetadata>> CORE = Map.of(
            "Namespace", Namespace.class, "Service", Service.class, "EndpointSlice", EndpointSlice.class,
            "Pod", Pod.class, "ServiceAccount", ServiceAccount.class);

    private KubeYaml() {
    }

    public static List<HasMetadata> read(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (doc == null || doc.isNull() || doc.isMissingNode() || !doc.has("kind")) {
                    continue;
                }
                out.add(YAML.treeToValue(doc, type(doc.get("kind").asText())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Class<? extends HasMetadata> type(String kind) {
        if (CORE.containsKey(kind)) {
            return CORE.get(kind);
        }
        for (ResourceKind k : ResourceKind.values()) {
            if (k.kind().equals(kind)) {
                return k.type();
            }
        }
        throw new IllegalArgumentException("test YAML has an unknown kind " + kind);
    }

    /** A proto as YAML: protobuf's JSON mapping (field names as in the proto JSON), then YAML with sorted keys. */
    public static String proto(MessageOrBuilder message) {
        try {
            String json = JsonFormat.printer().print(message);
            return YAML.writeValueAsString(YAML.readTree(new ObjectMapper().readTree(json).toString()));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String write(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
