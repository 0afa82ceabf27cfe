package io.qmesh.injector.patch;

import com.fasterxml.jackson.databind.JsonNode;

/** One RFC 6902 operation ({@code add} or {@code replace}) with its JSON value. */
public record JsonPatchOp(String op, String path, JsonNode value) {

    public static JsonPatchOp add(String path, JsonNode value) {
        return new JsonPatchOp("add", path, value);
    }

    public static JsonPatchOp replace(String path, JsonNode value) {
        return new JsonPatchOp("replace", path, value);
    }

    /** A JSON pointer token: {@code ~} and {@code /} escaped (RFC 6901). */
    public static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
