package io.qmesh.xds.generate;

import io.qmesh.api.mesh.v1.ObjectRef;
import java.util.Comparator;

/** A namespaced object (service, pod, policy) as a comparable value; prints as {@code ns/name}. */
public record Ref(String namespace, String name) implements Comparable<Ref> {

    private static final Comparator<Ref> ORDER = Comparator.comparing(Ref::namespace).thenComparing(Ref::name);

    public static Ref of(ObjectRef ref) {
        return new Ref(ref.getNamespace(), ref.getName());
    }

    public static Ref of(String namespace, String name) {
        return new Ref(namespace, name);
    }

    public ObjectRef toProto() {
        return ObjectRef.newBuilder().setNamespace(namespace).setName(name).build();
    }

    @Override
    public int compareTo(Ref other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
