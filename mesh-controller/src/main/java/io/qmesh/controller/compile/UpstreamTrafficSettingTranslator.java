package io.qmesh.controller.compile;

import com.google.protobuf.Duration;
import io.qmesh.api.crd.policy.UpstreamTrafficSetting;
import io.qmesh.api.mesh.v1.ConnectionSettings;
import io.qmesh.api.mesh.v1.LocalRateLimit;
import io.qmesh.api.mesh.v1.OutlierDetection;
import io.qmesh.api.mesh.v1.RateLimit;
import io.qmesh.api.mesh.v1.RouteRateLimit;
import java.util.Optional;

/** UpstreamTrafficSetting → connection limits, outlier detection and local rate limits of one mesh service. */
final class UpstreamTrafficSettingTranslator {

    static final int DEFAULT_LIMITED_STATUS = 429;

    private UpstreamTrafficSettingTranslator() {
    }

    static Translated<io.qmesh.api.mesh.v1.UpstreamTrafficSetting> translate(UpstreamTrafficSetting uts, MeshIndex index) {
        UpstreamTrafficSetting.Spec spec = uts.getSpec();
        if (spec == null) {
            return Translated.failed(Problem.missing("spec"));
        }
        if (Refs.blank(spec.host)) {
            return Translated.failed(Problem.missing("spec.host"));
        }
        Optional<io.fabric8.kubernetes.api.model.Service> service = index.meshServiceByHost(spec.host);
        if (service.isEmpty()) {
            return Translated.failed(new Problem("spec.host", "ServiceNotFound",
                    "spec.host: no mesh Service answers to '" + spec.host + "' (expected e.g. <name>.<namespace>.svc."
                            + index.config.clusterDomain() + ")"));
        }
        var out = io.qmesh.api.mesh.v1.UpstreamTrafficSetting.newBuilder()
                .setRef(Refs.of(uts)).setService(Refs.of(service.get()));
        if (spec.connectionSettings != null) {
            ConnectionSettings.Builder c = ConnectionSettings.newBuilder();
            var tcp = spec.connectionSettings.tcp;
            if (tcp != null) {
                if (tcp.maxConnections != null) {
                    c.setMaxConnections(tcp.maxConnections);
                }
                if (tcp.connectTimeout != null) {
                    Translated<Duration> d = duration(tcp.connectTimeout, "spec.connectionSettings.tcp.connectTimeout");
                    if (!d.ok()) {
                        return Translated.failed(d.problem());
                    }
                    c.setConnectTimeout(d.value());
                }
            }
            var http = spec.connectionSettings.http;
            if (http != null) {
                if (http.maxRequests != null) {
                    c.setMaxRequests(http.maxRequests);
                }
                if (http.maxRequestsPerConnection != null) {
                    c.setMaxRequestsPerConnection(http.maxRequestsPerConnection);
                }
                if (http.maxPendingRequests != null) {
                    c.setMaxPendingRequests(http.maxPendingRequests);
                }
                if (http.maxRetries != null) {
                    c.setMaxRetries(http.maxRetries);
                }
            }
            out.setConnection(c);
        }
        if (spec.outlierDetection != null) {
            var o = spec.outlierDetection;
            OutlierDetection.Builder od = OutlierDetection.newBuilder();
            if (o.consecutive5xx != null) {
                od.setConsecutive5Xx(o.consecutive5xx);
            }
            if (o.interval != null) {
                Translated<Duration> d = duration(o.interval, "spec.outlierDetection.interval");
                if (!d.ok()) {
                    return Translated.failed(d.problem());
                }
                od.setInterval(d.value());
            }
            if (o.baseEjectionTime != null) {
                Translated<Duration> d = duration(o.baseEjectionTime, "spec.outlierDetection.baseEjectionTime");
                if (!d.ok()) {
                    return Translated.failed(d.problem());
                }
                od.setBaseEjectionTime(d.value());
            }
            if (o.maxEjectionPercent != null) {
                if (o.maxEjectionPercent < 0 || o.maxEjectionPercent > 100) {
                    return Translated.failed(Problem.invalid("spec.outlierDetection.maxEjectionPercent",
                            o.maxEjectionPercent + " is not a percentage (0-100)"));
                }
                od.setMaxEjectionPercent(o.maxEjectionPercent);
            }
            out.setOutlierDetection(od);
        }
        if (spec.rateLimit != null && spec.rateLimit.local != null) {
            LocalRateLimit.Builder local = LocalRateLimit.newBuilder();
            var tcp = spec.rateLimit.local.tcp;
            if (tcp != null) {
                Translated<RateLimit> l = limit(tcp.connections, tcp.unit, tcp.burst, null, "spec.rateLimit.local.tcp");
                if (!l.ok()) {
                    return Translated.failed(l.problem());
                }
                local.setTcpConnections(l.value());
            }
            var http = spec.rateLimit.local.http;
            if (http != null) {
                Translated<RateLimit> l = limit(http.requests, http.unit, http.burst,
                        http.responseStatusCode == null ? DEFAULT_LIMITED_STATUS : http.responseStatusCode,
                        "spec.rateLimit.local.http");
                if (!l.ok()) {
                    return Translated.failed(l.problem());
                }
                local.setHttpRequests(l.value());
            }
            out.setRateLimit(local);
        }
        if (spec.httpRoutes != null) {
            for (int i = 0; i < spec.httpRoutes.size(); i++) {
                var r = spec.httpRoutes.get(i);
                String field = "spec.httpRoutes[" + i + "]";
                if (r == null || Refs.blank(r.path)) {
                    return Translated.failed(Problem.missing(field + ".path"));
                }
                Problem regex = HttpMatches.checkRegex(field + ".path", r.path);
                if (regex != null) {
                    return Translated.failed(regex);
                }
                if (r.rateLimit == null || r.rateLimit.local == null) {
                    return Translated.failed(Problem.missing(field + ".rateLimit.local"));
                }
                var h = r.rateLimit.local;
                Translated<RateLimit> l = limit(h.requests, h.unit, h.burst,
                        h.responseStatusCode == null ? DEFAULT_LIMITED_STATUS : h.responseStatusCode, field + ".rateLimit.local");
                if (!l.ok()) {
                    return Translated.failed(l.problem());
                }
                out.addRouteRateLimits(RouteRateLimit.newBuilder().setPathRegex(r.path)
                        .addAllMethods(HttpMatches.methods(r.methods)).setLimit(l.value()));
            }
        }
        return Translated.ok(out.build());
    }

    private static Translated<Duration> duration(String text, String field) {
        return GoDurations.parse(text).map(Translated::ok).orElseGet(() -> Translated.failed(
                Problem.invalid(field, "'" + text + "' is not a duration such as 5s or 250ms")));
    }

    private static Translated<RateLimit> limit(Integer tokens, String unit, Integer burst, Integer status, String field) {
        if (tokens == null || tokens < 1) {
            return Translated.failed(Problem.invalid(field + (status == null ? ".connections" : ".requests"),
                    "must be at least 1, got " + tokens));
        }
        Duration interval = switch (unit == null ? "" : unit) {
            case "second" -> GoDurations.seconds(1);
            case "minute" -> GoDurations.seconds(60);
            case "hour" -> GoDurations.seconds(3600);
            default -> null;
        };
        if (interval == null) {
            return Translated.failed(Problem.invalid(field + ".unit", "'" + unit + "' is not one of second, minute, hour"));
        }
        RateLimit.Builder out = RateLimit.newBuilder().setTokens(tokens).setFillInterval(interval)
                .setBurst(burst == null ? 0 : burst);
        if (status != null) {
            out.setResponseStatusCode(status);
        }
        return Translated.ok(out.build());
    }
}
