package io.qmesh.ca;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qmesh.ca.issue.LeafKind;
import io.qmesh.ca.issue.Refusal;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * {@code qmesh_ca_certificates_issued_total{kind,signer}}, {@code qmesh_ca_issue_duration_seconds}
 * (histogram), {@code qmesh_ca_issue_abandoned_total} and {@code qmesh_ca_issue_rejected_total{reason}},
 * which starts at 0 for every reason so that "nothing refused" shows as 0 rather than no data. Made at
 * start-up, not at the first Issue call, so that a CA nobody has called yet exports them too. The root
 * expiry gauge lives with the root.
 */
@Startup
@ApplicationScoped
public class CaMetrics {

    private final MeterRegistry registry;
    private final Timer duration;
    private final Counter abandoned;
    private final java.util.Map<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();

    CaMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duration = Timer.builder("qmesh_ca_issue_duration")
                .description("Time to answer one Issue call, from its arrival (waiting for a worker included) to signed chain or refusal")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        this.abandoned = Counter.builder("qmesh_ca_issue_abandoned")
                .description("Issue calls whose caller gave up (deadline passed, cancelled) before a worker took them: nothing was signed")
                .register(registry);
        for (Refusal.Reason reason : Refusal.Reason.values()) {
            rejectedCounter(reason);
        }
    }

    public void issued(LeafKind kind, String signer) {
        counters.computeIfAbsent(kind.label() + "/" + signer, key -> Counter.builder("qmesh_ca_certificates_issued")
                .description("Certificates issued").tag("kind", kind.label()).tag("signer", signer).register(registry))
                .increment();
    }

    public void rejected(Refusal refusal) {
        rejectedCounter(refusal.reason()).increment();
    }

    private Counter rejectedCounter(Refusal.Reason reason) {
        return counters.computeIfAbsent("rejected/" + reason.label(), key -> Counter.builder("qmesh_ca_issue_rejected")
                .description("Issue calls refused, by reason").tag("reason", reason.label()).register(registry));
    }

    public void abandoned() {
        abandoned.increment();
    }

    public void took(Duration took) {
        duration.record(took);
    }
}
