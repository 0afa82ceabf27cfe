package io.qmesh.controller.compile;

import java.util.Objects;

/** What a translator made of one resource: a value, or the first problem that kept it out of the policy. */
public record Translated<T>(T value, Problem problem) {

    public Translated {
        if ((value == null) == (problem == null)) {
            throw new IllegalArgumentException("exactly one of value and problem");
        }
    }

    public static <T> Translated<T> ok(T value) {
        return new Translated<>(Objects.requireNonNull(value, "value"), null);
    }

    public static <T> Translated<T> failed(Problem problem) {
        return new Translated<>(null, problem);
    }

    public boolean ok() {
        return problem == null;
    }
}
