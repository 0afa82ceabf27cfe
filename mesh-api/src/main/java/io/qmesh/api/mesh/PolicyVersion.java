package io.qmesh.api.mesh;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Versions are content hashes: {@code sha256:<hex>} of a message's deterministic protobuf bytes.
 * The same cluster state compiles to the same bytes, so every controller replica and every restart
 * computes the same version and pushes nothing new to proxies.
 */
public final class PolicyVersion {

    public static final String PREFIX = "sha256:";

    private PolicyVersion() {
    }

    /** A policy's version: {@code sha256:} and its content hash. */
    public static String of(MessageLite message) {
        return PREFIX + contentHash(message);
    }

    /** The hex SHA-256 of a message's canonical bytes: an update's {@code content_hash}. */
    public static String contentHash(MessageLite message) {
        return HexFormat.of().formatHex(sha256(canonicalBytes(message)));
    }

    /** Deterministic serialization (stable map order); field order is the schema's. */
    public static byte[] canonicalBytes(MessageLite message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.getSerializedSize());
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.useDeterministicSerialization();
        try {
            message.writeTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory serialization failed", e);
        }
        return bytes.toByteArray();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
