package io.qmesh.api.crd.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import io.qmesh.api.crd.MeshResource;
import io.qmesh.api.crd.RouteRef;
import io.qmesh.api.crd.SubjectRef;
import java.util.List;

/** Traffic from mesh identities to destinations outside the mesh (only when egress is enabled). */
@Group("policy.qmesh.io")
@Version("v1alpha1")
public class Egress extends MeshResource<Egress.Spec> {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec {
        /** ServiceAccounts allowed to use this egress. */
        @Required
        @Size(min = 1)
        public List<SubjectRef> sources;
        /** Host names; HTTP by Host header, HTTPS by SNI. */
        public List<String> hosts;
        /** CIDR ranges, for TCP. */
        public List<String> ipAddresses;
        @Required
        @Size(min = 1)
        public List<Port> ports;
        /** HTTPRouteGroup references narrowing HTTP egress. */
        public List<RouteRef> matches;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Port {
        @Required
        @Min(1)
        @Max(65535)
        public Integer number;
        @Required
        @Pattern("^(http|https|tcp)$")
        public String protocol;
    }

}
