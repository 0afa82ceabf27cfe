package io.qmesh.api.crd.smi;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import io.qmesh.api.crd.MeshResource;
import java.util.List;

/** SMI TCP route specification: the destination ports a TrafficTarget opens; no ports means all. */
@Group("specs.smi-spec.io")
@Version("v1alpha4")
public class TCPRoute extends MeshResource<TCPRoute.Spec> {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec {
        public Matches matches;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Matches {
        public List<@Min(1) @Max(65535) Integer> ports;
    }
}
