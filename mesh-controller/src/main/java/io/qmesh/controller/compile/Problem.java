package io.qmesh.controller.compile;

import java.util.Objects;

/** A user error in one resource: the JSON path of the offending field, a CamelCase reason and a message for humans. */
public record Problem(String field, String reason, String message) {

    public Problem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    public static Problem missing(String field) {
        return new Problem(field, "MissingField", field + " is required");
    }

    public static Problem invalid(String field, String message) {
        return new Problem(field, "InvalidField", field + ": " + message);
    }
}
