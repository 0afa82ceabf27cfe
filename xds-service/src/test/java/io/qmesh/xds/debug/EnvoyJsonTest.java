package io.qmesh.xds.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.qmesh.xds.generate.EnvoyYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every resource of the generator's golden files prints (types found by walking it) and parses back equal. */
class EnvoyJsonTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, Supplier<Message.Builder>> KINDS = Map.of(
            "lds.yaml", Listener::newBuilder, "rds.yaml", RouteConfiguration::newBuilder,
            "cds.yaml", Cluster::newBuilder, "eds.yaml", ClusterLoadAssignment::newBuilder);

    static Stream<Path> goldenFiles() throws IOException {
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("src/test/resources/golden")),
                Files.walk(Path.of("src/test/resources/golden-proxyless")))) {
            return files.filter(f -> KINDS.containsKey(f.getFileName().toString())).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void everyGeneratedResource_printsAndParsesBackEqual(Path file) throws Exception {
        JsonNode byGroup = YAML.readTree(file.toFile());
        int resources = 0;
        for (JsonNode group : byGroup) {
            for (JsonNode json : group) {
                Message.Builder builder = KINDS.get(file.getFileName().toString()).get();
                JsonFormat.parser().usingTypeRegistry(EnvoyYaml.TYPES).merge(JSON.writeValueAsString(json), builder);
                Message resource = builder.build();

                String printed = EnvoyJson.print(Any.pack(resource));

                Any.Builder parsed = Any.newBuilder();
                JsonFormat.parser().usingTypeRegistry(EnvoyYaml.TYPES).merge(printed, parsed);
                assertThat(parsed.build().unpack(resource.getClass())).isEqualTo(resource);
                resources++;
            }
        }
        assertThat(resources).isPositive();
    }

    @Test
    void print_usesEnvoysFieldNames() {
        assertThat(EnvoyJson.print(Listener.newBuilder().setName("l").setStatPrefix("p").build()))
                .contains("\"stat_prefix\"").doesNotContain("statPrefix");
    }

    @Test
    void print_anyOfATypeWithoutClass_namesTheType() {
        Any unknown = Any.newBuilder().setTypeUrl("type.googleapis.com/acme.v1.Mystery").build();

        assertThatThrownBy(() -> EnvoyJson.print(Listener.newBuilder().addListenerFilters(
                io.envoyproxy.envoy.config.listener.v3.ListenerFilter.newBuilder().setName("x").setTypedConfig(unknown)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acme.v1.Mystery");
    }
}
