package io.qmesh.xds.serve;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.VersionedResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Versions of Envoy resources: the SHA-256 of their deterministic (canonical) serialization, so a
 * restart recomputes the same versions. A resource equal to the one it replaces keeps its version
 * without being hashed again.
 */
public final class ResourceVersions {

    private ResourceVersions() {
    }

    public static <T extends Message> List<VersionedResource<T>> version(List<T> resources,
            Map<String, VersionedResource<T>> previous, java.util.function.Function<T, String> name) {
        List<VersionedResource<T>> result = new ArrayList<>(resources.size());
        for (T resource : resources) {
            VersionedResource<T> before = previous.get(name.apply(resource));
            if (before != null && before.resource().equals(resource)) {
                result.add(before);
            } else {
                result.add(VersionedResource.create(resource, hash(resource)));
            }
        }
        return result;
    }

    /** A version for a whole set: the hash of its sorted names and resource versions. */
    public static String ofSet(Map<String, ? extends VersionedResource<?>> resources) {
        MessageDigest digest = sha256();
        resources.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            digest.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(e.getValue().version().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
        });
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    static String hash(Message message) {
        try {
            byte[] bytes = new byte[message.getSerializedSize()];
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization();
            message.writeTo(out);
            out.checkNoSpaceLeft();
            return HexFormat.of().formatHex(sha256().digest(bytes), 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
