package io.qmesh.api.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * The status every qmesh and SMI resource carries: standard Kubernetes conditions, written by the
 * elected mesh-controller. {@code Accepted} says whether the resource took effect, and why not.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class MeshResourceStatus {

    public static final String ACCEPTED = "Accepted";

    public List<Condition> conditions = new ArrayList<>();
}
