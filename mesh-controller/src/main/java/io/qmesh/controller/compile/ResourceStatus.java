package io.qmesh.controller.compile;

import java.util.Objects;

/**
 * The {@code Accepted} condition one custom resource should carry after a compile:
 * {@code status=True reason=Accepted}, or {@code False} with the reason and a message naming the field.
 */
public record ResourceStatus(ResourceKind kind, String namespace, String name, long observedGeneration,
        boolean accepted, String reason, String message) implements Comparable<ResourceStatus> {

    public static final String ACCEPTED_REASON = "Accepted";

    public ResourceStatus {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public int compareTo(ResourceStatus o) {
        int c = kind.compareTo(o.kind);
        c = c != 0 ? c : namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    public String ref() {
        return kind.kind() + " " + namespace + "/" + name;
    }
}
