package io.qmesh.api.crd.smi;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.qmesh.api.crd.MeshResource;
import java.util.List;
import java.util.Map;

/** SMI HTTP route specification: named matches on path regex, methods and headers. */
@Group("specs.smi-spec.io")
@Version("v1alpha4")
@ShortNames("htr")
public class HTTPRouteGroup extends MeshResource<HTTPRouteGroup.Spec> {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec {
        @Required
        public List<Match> matches;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Match {
        @Required
        public String name;
        public String pathRegex;
        /** HTTP methods, or "*" for any. */
        public List<String> methods;
        /** Header name to a regular expression its value must match. */
        public Map<String, String> headers;
    }
}
