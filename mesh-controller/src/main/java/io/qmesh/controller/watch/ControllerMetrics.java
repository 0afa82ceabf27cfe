package io.qmesh.controller.watch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qmesh.api.mesh.v1.Diagnostic;
import io.qmesh.controller.compile.CompileResult;
import io.qmesh.controller.distribute.PolicyDistributor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The controller's metrics, named as Prometheus shows them: {@code qmesh_controller_events_total{kind}},
 * {@code qmesh_controller_compile_duration_seconds}, {@code qmesh_controller_policy_version_info{version}},
 * {@code qmesh_controller_diagnostics{reason}}, {@code qmesh_controller_subscribers}.
 */
@ApplicationScoped
public class ControllerMetrics {

    private final MeterRegistry registry;
    private final Timer compileDuration;
    private final Map<String, Counter> events = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> diagnostics = new ConcurrentHashMap<>();
    private Gauge versionInfo;

    ControllerMetrics(MeterRegistry registry, PolicyDistributor distributor) {
        this.registry = registry;
        this.compileDuration = Timer.builder("qmesh_controller_compile_duration")
                .description("Time to compile the mesh policy from the informers' state")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder("qmesh_controller_subscribers", distributor, PolicyDistributor::subscriberCount)
                .description("Watch streams (xds-service replicas) connected now")
                .register(registry);
    }

    public void event(String kind) {
        events.computeIfAbsent(kind, k -> Counter.builder("qmesh_controller_events")
                .description("Kubernetes events received by the informers, by kind").tag("kind", k)
                .register(registry)).increment();
    }

    public <T> T timeCompile(Supplier<T> compile) {
        return compileDuration.record(compile);
    }

    /** Current version (one series with value 1) and the diagnostics of the current policy, by reason. */
    public synchronized void compiled(CompileResult result) {
        if (versionInfo == null || !result.version().equals(versionInfo.getId().getTag("version"))) {
            if (versionInfo != null) {
                registry.remove(versionInfo);
            }
            versionInfo = Gauge.builder("qmesh_controller_policy_version_info", () -> 1)
                    .description("Version of the mesh policy being served; always 1")
                    .tag("version", result.version()).register(registry);
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (Diagnostic d : result.diagnostics()) {
            counts.merge(d.getReason(), 1, Integer::sum);
        }
        diagnostics.values().forEach(v -> v.set(0));
        counts.forEach((reason, n) -> diagnostics.computeIfAbsent(reason, r -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("qmesh_controller_diagnostics", value, AtomicInteger::get)
                    .description("Resources of the current policy left out because of a problem, by reason")
                    .tag("reason", r).register(registry);
            return value;
        }).set(n));
    }
}
