package io.qmesh.api.crd.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import io.qmesh.api.crd.Durations;
import io.qmesh.api.crd.MeshResource;
import java.util.List;

/** Mesh-wide settings; one per mesh, in the control-plane namespace. */
@Group("config.qmesh.io")
@Version("v1alpha1")
public class MeshConfig extends MeshResource<MeshConfig.Spec> {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec {
        public Sidecar sidecar;
        public Traffic traffic;
        public Certificate certificate;
        public Observability observability;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Sidecar {
        public String envoyImage;
        public String initContainerImage;
        @Pattern("^(trace|debug|info|warning|warn|error|critical|off)$")
        public String logLevel;
        public ResourceRequirements resources;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Traffic {
        @PrinterColumn(name = "Permissive")
        public Boolean enablePermissiveTrafficPolicyMode;
        public Boolean enableEgress;
        public List<@Min(1) @Max(65535) Integer> outboundPortExclusionList;
        public List<@Min(1) @Max(65535) Integer> inboundPortExclusionList;
        public List<String> outboundIPRangeExclusionList;
        public List<String> outboundIPRangeInclusionList;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Certificate {
        @Pattern(Durations.PATTERN)
        public String serviceCertValidityDuration;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Observability {
        public Tracing tracing;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Tracing {
        public Boolean enable;
        @Pattern("^(otlp|zipkin)$")
        public String protocol;
        public String address;
        @Min(1)
        @Max(65535)
        public Integer port;
        public String endpoint;
        @Min(0)
        @Max(100)
        public Double samplingPercentage;
    }
}
