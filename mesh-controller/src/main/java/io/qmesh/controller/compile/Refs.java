package io.qmesh.controller.compile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.qmesh.api.mesh.v1.Identity;
import io.qmesh.api.mesh.v1.ObjectRef;
import java.util.Comparator;

/** Proto references and their canonical order. */
final class Refs {

    static final Comparator<ObjectRef> ORDER = Comparator.comparing(ObjectRef::getNamespace).thenComparing(ObjectRef::getName);
    static final Comparator<Identity> IDENTITY_ORDER = Comparator.comparing(Identity::getNamespace)
            .thenComparing(Identity::getServiceAccount);

    private Refs() {
    }

    static ObjectRef of(String namespace, String name) {
        return ObjectRef.newBuilder().setNamespace(namespace).setName(name).build();
    }

    static ObjectRef of(HasMetadata object) {
        return of(object.getMetadata().getNamespace(), object.getMetadata().getName());
    }

    static Identity identity(String namespace, String serviceAccount) {
        return Identity.newBuilder().setNamespace(namespace).setServiceAccount(serviceAccount).build();
    }

    static String text(ObjectRef ref) {
        return ref.getNamespace() + "/" + ref.getName();
    }

    static String text(Identity identity) {
        return identity.getNamespace() + "/" + identity.getServiceAccount();
    }

    /** {@code value} when set, else {@code fallback} (a reference's namespace defaults to the referring resource's). */
    static String orDefault(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
