package io.qmesh.xds.debug;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Envoy resources as protobuf JSON with Envoy's own field names (snake_case, as in Envoy's
 * {@code /config_dump}), every {@code Any} printed with its {@code @type}. The types inside the
 * {@code Any}s are found by walking the message: a typed config qmesh starts to emit tomorrow prints
 * without a list to update. A type name maps to its generated class by the packages Envoy's, xDS's
 * and protobuf's protos declare ({@code envoy.…} → {@code io.envoyproxy.envoy.…}).
 */
final class EnvoyJson {

    private static final Map<String, String> JAVA_PACKAGES = Map.of(
            "envoy.", "io.envoyproxy.envoy.",
            "xds.", "com.github.xds.",
            "udpa.", "com.github.udpa.udpa.",
            "google.protobuf.", "com.google.protobuf.");
    private static final Map<String, Optional<Class<? extends Message>>> CLASSES = new ConcurrentHashMap<>();

    private EnvoyJson() {
    }

    /**
     * @throws IllegalArgumentException naming the type when an {@code Any} holds a type with no generated class here
     */
    static String print(Message message) {
        TypeRegistry.Builder registry = TypeRegistry.newBuilder();
        collectTypes(message, registry);
        try {
            return JsonFormat.printer().usingTypeRegistry(registry.build()).preservingProtoFieldNames().print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("cannot print " + message.getDescriptorForType().getFullName() + ": "
                    + e.getMessage(), e);
        }
    }

    private static void collectTypes(Message message, TypeRegistry.Builder registry) {
        if (message instanceof Any any) {
            Optional<Message> inner = unpack(any);
            if (inner.isPresent()) {
                registry.add(inner.get().getDescriptorForType());
                collectTypes(inner.get(), registry);
            }
            return;
        }
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (field.getKey().isRepeated()) {
                for (Object element : (List<?>) field.getValue()) {
                    collectTypes((Message) element, registry);
                }
            } else {
                collectTypes((Message) field.getValue(), registry);
            }
        }
    }

    private static Optional<Message> unpack(Any any) {
        String typeName = any.getTypeUrl().substring(any.getTypeUrl().lastIndexOf('/') + 1);
        return CLASSES.computeIfAbsent(typeName, EnvoyJson::generatedClass).map(type -> {
            try {
                return any.unpack(type);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException("an Any of type " + typeName + " does not parse: " + e.getMessage(), e);
            }
        });
    }

    private static Optional<Class<? extends Message>> generatedClass(String typeName) {
        return JAVA_PACKAGES.entrySet().stream().filter(p -> typeName.startsWith(p.getKey())).findFirst()
                .flatMap(p -> load(p.getValue() + typeName.substring(p.getKey().length()), typeName));
    }

    /** The class of {@code typeName}, trying nested classes ({@code Outer$Inner}) when the plain name is absent. */
    private static Optional<Class<? extends Message>> load(String className, String typeName) {
        String candidate = className;
        while (true) {
            try {
                Class<?> type = Class.forName(candidate, false, EnvoyJson.class.getClassLoader());
                if (Message.class.isAssignableFrom(type) && descriptorName(type).equals(typeName)) {
                    return Optional.of(type.asSubclass(Message.class));
                }
                return Optional.empty();
            } catch (ClassNotFoundException e) {
                int dot = candidate.lastIndexOf('.');
                if (dot < 0) {
                    return Optional.empty();
                }
                candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1);
            }
        }
    }

    private static String descriptorName(Class<?> type) {
        try {
            return ((Descriptor) type.getMethod("getDescriptor").invoke(null)).getFullName();
        } catch (ReflectiveOperationException e) {
            return "";
        }
    }
}
