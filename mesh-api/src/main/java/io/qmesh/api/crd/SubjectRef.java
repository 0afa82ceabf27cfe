package io.qmesh.api.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A reference to a ServiceAccount or Service by kind, name and namespace (SMI's IdentityBindingSubject shape). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SubjectRef {
    @Required
    public String kind;
    @Required
    public String name;
    public String namespace;

    public SubjectRef() {
    }

    public SubjectRef(String kind, String name, String namespace) {
        this.kind = kind;
        this.name = name;
        this.namespace = namespace;
    }
}
