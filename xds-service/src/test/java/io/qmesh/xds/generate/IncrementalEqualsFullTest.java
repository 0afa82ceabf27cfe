package io.qmesh.xds.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.qmesh.api.mesh.v1.Endpoint;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.ServiceEndpoints;
import io.qmesh.testing.GoldenFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Incremental generation must equal a full recompute, whatever changed: every golden policy is
 * mutated in every way listed below, and the configuration reached incrementally (in both directions)
 * is compared group by group with one generated from scratch. A policy input that a builder reads but
 * {@link Dependencies} does not list shows up here as a group that was not regenerated.
 */
class IncrementalEqualsFullTest {

    static java.util.stream.Stream<String> cases() throws java.io.IOException {
        return GoldenGeneratorTest.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyMutationOfTheGoldenPolicy_incrementalEqualsFullRecompute(String name) {
        MeshPolicy base = EnvoyYaml.policy(GoldenFiles.read(GoldenGeneratorTest.GOLDEN.resolve(name).resolve("policy.yaml")));
        Map<String, MeshPolicy> mutations = mutations(base);
        assertThat(mutations).as("mutations of %s", name).isNotEmpty();
        MeshConfigs fromBase = MeshConfigs.of(base);
        List<String> differences = new ArrayList<>();
        mutations.forEach((what, mutated) -> {
            MeshConfigs full = MeshConfigs.of(mutated);
            differences.addAll(compare(what + " (incremental from the golden policy)", fromBase.next(mutated).configs(), full));
            differences.addAll(compare(what + " (incremental back to the golden policy)", full.next(base).configs(), fromBase));
        });
        assertThat(differences).as("%d mutations of %s", mutations.size(), name).isEmpty();
    }

    private static List<String> compare(String what, MeshConfigs incremental, MeshConfigs full) {
        List<String> differences = new ArrayList<>();
        if (!incremental.keys().equals(full.keys())) {
            differences.add(what + ": groups " + incremental.keys() + " instead of " + full.keys());
            return differences;
        }
        full.groups().forEach((key, config) -> {
            if (!incremental.groups().get(key).sameResources(config)) {
                differences.add(what + ": group " + key + " differs from a full recompute");
            }
        });
        return differences;
    }

    /**
     * Every element of every list in the policy removed, one at a time, one and two levels down (a
     * service, a port of a service, an endpoint of a service, a source of a rule …); every scalar of
     * every element changed, down to two levels (a port number, a weight, a name, a protocol …); every
     * endpoint moved to another address and flipped ready / not ready; and each mesh-wide switch flipped.
     */
    static Map<String, MeshPolicy> mutations(MeshPolicy base) {
        Map<String, MeshPolicy> result = new LinkedHashMap<>();
        for (FieldDescriptor field : base.getDescriptorForType().getFields()) {
            if (!field.isRepeated() || field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            for (int i = 0; i < base.getRepeatedFieldCount(field); i++) {
                result.put(field.getName() + "[" + i + "] removed", without(base, field, i));
                Message element = (Message) base.getRepeatedField(field, i);
                String at = field.getName() + "[" + i + "]";
                int index = i;
                changedScalars(element, at, 2, (what, changed) -> result.put(what + " changed",
                        (MeshPolicy) base.toBuilder().setRepeatedField(field, index, changed).build()));
                for (FieldDescriptor inner : element.getDescriptorForType().getFields()) {
                    if (!inner.isRepeated()) {
                        continue;
                    }
                    for (int j = 0; j < element.getRepeatedFieldCount(inner); j++) {
                        Message changed = without(element, inner, j);
                        result.put(field.getName() + "[" + i + "]." + inner.getName() + "[" + j + "] removed",
                                (MeshPolicy) base.toBuilder().setRepeatedField(field, i, changed).build());
                    }
                }
            }
        }
        for (int i = 0; i < base.getEndpointsCount(); i++) {
            ServiceEndpoints eps = base.getEndpoints(i);
            for (int j = 0; j < eps.getEndpointsCount(); j++) {
                Endpoint e = eps.getEndpoints(j);
                result.put("endpoints[" + i + "].endpoints[" + j + "] moved", base.toBuilder().setEndpoints(i,
                        eps.toBuilder().setEndpoints(j, e.toBuilder().setAddress("10.250.0." + (j + 1)))).build());
                result.put("endpoints[" + i + "].endpoints[" + j + "] ready flipped", base.toBuilder().setEndpoints(i,
                        eps.toBuilder().setEndpoints(j, e.toBuilder().setReady(!e.getReady()))).build());
            }
        }
        var settings = base.getSettings();
        result.put("permissive flipped", base.toBuilder()
                .setSettings(settings.toBuilder().setPermissiveTrafficPolicy(!settings.getPermissiveTrafficPolicy())).build());
        result.put("egress flipped", base.toBuilder()
                .setSettings(settings.toBuilder().setEgressEnabled(!settings.getEgressEnabled())).build());
        return result;
    }

    /**
     * Calls {@code changed} with {@code message} with one scalar field set to another value (a number
     * plus one, a string with a suffix, a flag flipped, the next enum value), for every scalar field set
     * in it and, down to {@code depth} levels, in the messages it holds (the first of a list).
     */
    private static void changedScalars(Message message, String at, int depth,
            java.util.function.BiConsumer<String, Message> changed) {
        for (FieldDescriptor f : message.getDescriptorForType().getFields()) {
            if (f.isRepeated() ? message.getRepeatedFieldCount(f) == 0 : !message.hasField(f)) {
                continue;
            }
            String name = at + "." + f.getName();
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if (depth > 1) {
                    Message inner = (Message) (f.isRepeated() ? message.getRepeatedField(f, 0) : message.getField(f));
                    changedScalars(inner, name, depth - 1, (what, innerChanged) -> changed.accept(what, f.isRepeated()
                            ? message.toBuilder().setRepeatedField(f, 0, innerChanged).build()
                            : message.toBuilder().setField(f, innerChanged).build()));
                }
                continue;
            }
            Object value = f.isRepeated() ? message.getRepeatedField(f, 0) : message.getField(f);
            Object other = switch (f.getJavaType()) {
                case INT -> (Integer) value + 1;
                case LONG -> (Long) value + 1;
                // addresses and ranges stay well-formed (mesh-controller validates them)
                case STRING -> ((String) value).matches("[0-9.]+(/[0-9]+)?")
                        ? (((String) value).contains("/") ? "10.251.0.0/16" : "10.251.0.1") : value + "-changed";
                case BOOLEAN -> !(Boolean) value;
                case ENUM -> {
                    var values = f.getEnumType().getValues();
                    yield values.get((((com.google.protobuf.Descriptors.EnumValueDescriptor) value).getIndex() + 1) % values.size());
                }
                default -> null;
            };
            if (other != null) {
                changed.accept(name, f.isRepeated() ? message.toBuilder().setRepeatedField(f, 0, other).build()
                        : message.toBuilder().setField(f, other).build());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <M extends Message> M without(M message, FieldDescriptor field, int index) {
        Message.Builder builder = message.toBuilder().clearField(field);
        for (int k = 0; k < message.getRepeatedFieldCount(field); k++) {
            if (k != index) {
                builder.addRepeatedField(field, message.getRepeatedField(field, k));
            }
        }
        return (M) builder.build();
    }
}
