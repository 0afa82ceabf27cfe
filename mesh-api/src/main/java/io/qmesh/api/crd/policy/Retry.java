package io.qmesh.api.crd.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import io.qmesh.api.crd.Durations;
import io.qmesh.api.crd.MeshResource;
import io.qmesh.api.crd.SubjectRef;
import java.util.List;

/** Retries for requests from one source identity to some destination services. */
@Group("policy.qmesh.io")
@Version("v1alpha1")
public class Retry extends MeshResource<Retry.Spec> {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec {
        /** A ServiceAccount. */
        @Required
        public SubjectRef source;
        /** Services. */
        @Required
        @Size(min = 1)
        public List<SubjectRef> destinations;
        @Required
        public RetryPolicy retryPolicy;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RetryPolicy {
        /** Envoy retry conditions, comma separated, e.g. "5xx,connect-failure". */
        @Required
        public String retryOn;
        @Min(0)
        public Integer numRetries;
        @Pattern(Durations.PATTERN)
        public String perTryTimeout;
        @Pattern(Durations.PATTERN)
        public String retryBackoffBaseInterval;
    }
}
