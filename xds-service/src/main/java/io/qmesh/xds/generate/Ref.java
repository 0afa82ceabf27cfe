package io.qmesh.xds.generate;

import io.qmesh.api.mesh.v1.ObjectRef;
import java.util.Objects;

/**
 * A namespaced object (service, pod, policy) as a comparable value; prints as {@code ns/name}. The
 * printed form is kept: it is part of every dependency key and resource name generation builds.
 */
public final class Ref implements Comparable<Ref> {

    private final String namespace;
    private final String name;
    private String text;

    private Ref(String namespace, String name) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.name = Objects.requireNonNull(name, "name");
    }

    public static Ref of(ObjectRef ref) {
        return new Ref(ref.getNamespace(), ref.getName());
    }

    public static Ref of(String namespace, String name) {
        return new Ref(namespace, name);
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    public ObjectRef toProto() {
        return ObjectRef.newBuilder().setNamespace(namespace).setName(name).build();
    }

    @Override
    public int compareTo(Ref other) {
        int byNamespace = namespace.compareTo(other.namespace);
        return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Ref r && namespace.equals(r.namespace) && name.equals(r.name);
    }

    @Override
    public int hashCode() {
        return 31 * namespace.hashCode() + name.hashCode();
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            // a benign race: every thread computes the same string
            t = namespace + "/" + name;
            text = t;
        }
        return t;
    }
}
