package io.qmesh.api.crd.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import io.qmesh.api.crd.Durations;
import io.qmesh.api.crd.MeshResource;
import java.util.List;

/** Connection limits, outlier detection and local rate limits for one upstream service. */
@Group("policy.qmesh.io")
@Version("v1alpha1")
public class UpstreamTrafficSetting extends MeshResource<UpstreamTrafficSetting.Spec> {

    /** Units of a rate limit's interval. */
    public static final String UNIT_PATTERN = "^(second|minute|hour)$";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Spec {
        /** The service's FQDN, e.g. bookstore.bookstore.svc.cluster.local. */
        @Required
        @PrinterColumn(name = "Host")
        public String host;
        public ConnectionSettings connectionSettings;
        public OutlierDetection outlierDetection;
        public RateLimit rateLimit;
        public List<HttpRoute> httpRoutes;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ConnectionSettings {
        public TcpConnectionSettings tcp;
        public HttpConnectionSettings http;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TcpConnectionSettings {
        @Min(0)
        public Integer maxConnections;
        @Pattern(Durations.PATTERN)
        public String connectTimeout;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class HttpConnectionSettings {
        @Min(0)
        public Integer maxRequests;
        @Min(0)
        public Integer maxRequestsPerConnection;
        @Min(0)
        public Integer maxPendingRequests;
        @Min(0)
        public Integer maxRetries;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class OutlierDetection {
        @Min(1)
        public Integer consecutive5xx;
        @Pattern(Durations.PATTERN)
        public String interval;
        @Pattern(Durations.PATTERN)
        public String baseEjectionTime;
        @Min(0)
        @Max(100)
        public Integer maxEjectionPercent;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RateLimit {
        public LocalRateLimit local;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class LocalRateLimit {
        public TcpRateLimit tcp;
        public HttpRateLimit http;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TcpRateLimit {
        @Required
        @Min(1)
        public Integer connections;
        @Required
        @Pattern(UNIT_PATTERN)
        public String unit;
        @Min(0)
        public Integer burst;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class HttpRateLimit {
        @Required
        @Min(1)
        public Integer requests;
        @Required
        @Pattern(UNIT_PATTERN)
        public String unit;
        @Min(0)
        public Integer burst;
        @Min(400)
        @Max(599)
        public Integer responseStatusCode;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class HttpRoute {
        /** A path regular expression. */
        @Required
        public String path;
        public List<String> methods;
        @Required
        public RouteRateLimit rateLimit;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RouteRateLimit {
        @Required
        public HttpRateLimit local;
    }
}
