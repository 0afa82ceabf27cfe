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
import java.util.List;

/** Lets traffic from an ingress (a Service, an authenticated principal or an IP range) reach mesh backends. */
@Group("policy.qmesh.io")
@Version("v1alpha1")
public class IngressBackend extends MeshResource<IngressBackend.Spec> {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec {
        @Required
        @Size(min = 1)
        public List<Backend> backends;
        @Required
        @Size(min = 1)
        public List<Source> sources;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Backend {
        /** A Service in the IngressBackend's namespace. */
        @Required
        public String name;
        @Required
        public Port port;
        public Tls tls;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Port {
        @Required
        @Min(1)
        @Max(65535)
        public Integer number;
        @Required
        @Pattern("^(http|https|grpc)$")
        public String protocol;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Tls {
        public Boolean skipClientCertValidation;
        public List<String> sniHosts;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Source {
        @Required
        @Pattern("^(Service|AuthenticatedPrincipal|IPRange)$")
        public String kind;
        /** Service name, principal (SPIFFE ID or DNS SAN) or CIDR, by kind. */
        @Required
        public String name;
        /** For kind Service. */
        public String namespace;
    }
}
