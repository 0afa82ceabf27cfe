package io.qmesh.api.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;

/**
 * Base of every namespaced qmesh and SMI custom resource: a spec, a {@link MeshResourceStatus},
 * and an {@code Accepted} column in {@code kubectl get}.
 */
@AdditionalPrinterColumn(name = "Accepted", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
        jsonPath = ".status.conditions[?(@.type==\"Accepted\")].reason")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public abstract class MeshResource<S> extends CustomResource<S, MeshResourceStatus> implements Namespaced {

    @Override
    protected MeshResourceStatus initStatus() {
        return null;
    }
}
