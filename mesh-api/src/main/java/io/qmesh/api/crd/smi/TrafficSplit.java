package io.qmesh.api.crd.smi;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.qmesh.api.crd.MeshResource;
import io.qmesh.api.crd.RouteRef;
import java.util.List;

/** SMI traffic split: requests to the apex service are spread over backend services by weight. */
@Group("split.smi-spec.io")
@Version("v1alpha2")
@ShortNames("ts")
public class TrafficSplit extends MeshResource<TrafficSplit.Spec> {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec {
        /** The apex service, by name in the split's namespace. */
        @Required
        @PrinterColumn(name = "Service")
        public String service;
        @Required
        @Size(min = 1)
        public List<Backend> backends;
        /** Optional HTTPRouteGroup references restricting the split to some requests. */
        public List<RouteRef> matches;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Backend {
        @Required
        public String service;
        @Required
        @Min(0)
        public Integer weight;
    }

}
