package io.qmesh.api.crd.smi;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.qmesh.api.crd.MeshResource;
import io.qmesh.api.crd.SubjectRef;
import java.util.ArrayList;
import java.util.List;

/** SMI access control: which source identities may reach a destination identity, on which routes. */
@Group("access.smi-spec.io")
@Version("v1alpha3")
@ShortNames("tt")
public class TrafficTarget extends MeshResource<TrafficTarget.Spec> {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec {
        @Required
        public SubjectRef destination;
        @Required
        @Size(min = 1)
        public List<SubjectRef> sources = new ArrayList<>();
        public List<Rule> rules;
    }

    /** A route resource (HTTPRouteGroup or TCPRoute) and, for HTTP, the names of its matches. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Rule {
        @Required
        public String kind;
        @Required
        public String name;
        public List<String> matches;
    }
}
