package io.qmesh.xds.serve;

import io.envoyproxy.controlplane.cache.Resources;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics, by their Prometheus names: {@code qmesh_xds_connected_proxies},
 * {@code qmesh_xds_proxy_groups}, {@code qmesh_xds_pushes_total{type}}, {@code qmesh_xds_nacks_total{type}},
 * {@code qmesh_xds_convergence_seconds} (histogram) and {@code qmesh_xds_generate_duration_seconds}.
 * {@code type} is lds, rds, cds, eds or sds; pushes and NACKs start at 0 for each, so a dashboard shows
 * "no NACKs" rather than no data.
 */
@ApplicationScoped
public class XdsMetrics {

    private static final List<String> TYPES = List.of("lds", "rds", "cds", "eds", "sds");

    private final MeterRegistry registry;
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger groups = new AtomicInteger();
    private final Map<String, Counter> pushes = new ConcurrentHashMap<>();
    private final Map<String, Counter> nacks = new ConcurrentHashMap<>();
    private final Timer convergence;
    private final Timer generate;
    private final Counter regrouped;
    private final Counter applyFailures;
    private final AtomicInteger staleGroups = new AtomicInteger();
    private final Map<String, Counter> groupFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejectedClientCertificates = new ConcurrentHashMap<>();
    private final AtomicLong servingNotAfter = new AtomicLong();
    private final AtomicBoolean servingGauge = new AtomicBoolean();

    public XdsMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("qmesh.xds.connected.proxies", connected, AtomicInteger::get)
                .description("Envoy proxies with an open ADS stream").register(registry);
        Gauge.builder("qmesh.xds.proxy.groups", groups, AtomicInteger::get)
                .description("Proxy groups (same identity, services and ports) with a snapshot").register(registry);
        convergence = Timer.builder("qmesh.xds.convergence")
                .description("From a MeshPolicy received to the last ACK of the proxies it changed")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        generate = Timer.builder("qmesh.xds.generate.duration")
                .description("Time to regenerate the proxy groups a MeshPolicy update touched")
                .publishPercentileHistogram()
                .register(registry);
        regrouped = Counter.builder("qmesh.xds.streams.regrouped")
                .description("ADS streams the server closed because the proxy's pod changed group or left the policy")
                .register(registry);
        applyFailures = Counter.builder("qmesh.xds.policy.apply.failures")
                .description("MeshPolicy updates that could not be turned into proxy configuration (proxies keep the previous one)")
                .register(registry);
        Gauge.builder("qmesh.xds.stale.groups", staleGroups, AtomicInteger::get)
                .description("Proxy groups kept on an earlier configuration: the current policy's failed to generate"
                        + " or was inconsistent (retried with every policy)")
                .register(registry);
        for (String type : TYPES) {
            pushes(type);
            nacks(type);
        }
        for (String reason : List.of("generate", "inconsistent")) {
            groupFailures(reason, 0);
        }
        for (String reason : List.of("expired", "not_yet_valid", "untrusted")) {
            rejectedClientCertificates(reason);
        }
    }

    /** A proxy's client certificate was refused in the ADS port's TLS handshake, for {@code reason}. */
    public void clientCertificateRejected(String reason) {
        rejectedClientCertificates(reason).increment();
    }

    private Counter rejectedClientCertificates(String reason) {
        return rejectedClientCertificates.computeIfAbsent(reason, r -> Counter.builder("qmesh.xds.client.certificates.rejected")
                .tag("reason", r).description("Client certificates the ADS port refused in the TLS handshake (expired,"
                        + " not_yet_valid, untrusted: not from the mesh trust bundle)").register(registry));
    }

    /** {@code count} proxy groups of one policy failed for {@code reason} (generate, inconsistent). */
    public void groupFailures(String reason, int count) {
        groupFailures.computeIfAbsent(reason, r -> Counter.builder("qmesh.xds.group.failures").tag("reason", r)
                .description("Proxy groups whose configuration for a policy failed to generate or was inconsistent")
                .register(registry)).increment(count);
    }

    public void staleGroups(int count) {
        staleGroups.set(count);
    }

    public void regrouped() {
        regrouped.increment();
    }

    public void applyFailed() {
        applyFailures.increment();
    }

    /**
     * When ADS's serving certificate expires: {@code qmesh_xds_serving_certificate_expiry_timestamp_seconds},
     * registered with the first certificate (a plaintext ADS port has none).
     */
    public void servingCertificate(Instant notAfter) {
        servingNotAfter.set(notAfter.getEpochSecond());
        if (servingGauge.compareAndSet(false, true)) {
            Gauge.builder("qmesh_xds_serving_certificate_expiry_timestamp_seconds", servingNotAfter,
                    AtomicLong::get)
                    .description("When the ADS port's serving certificate expires (renewed at about 2/3 of its lifetime)")
                    .register(registry);
        }
    }

    public static String type(String typeUrl) {
        Resources.ResourceType type = Resources.TYPE_URLS_TO_RESOURCE_TYPE.get(typeUrl);
        if (type == null) {
            return "unknown";
        }
        return switch (type) {
            case LISTENER -> "lds";
            case ROUTE -> "rds";
            case CLUSTER -> "cds";
            case ENDPOINT -> "eds";
            case SECRET -> "sds";
        };
    }

    public void push(String typeUrl) {
        pushes(type(typeUrl)).increment();
    }

    public void nack(String typeUrl) {
        nacks(type(typeUrl)).increment();
    }

    private Counter pushes(String type) {
        return pushes.computeIfAbsent(type, t -> Counter.builder("qmesh.xds.pushes").tag("type", t)
                .description("xDS responses sent to proxies").register(registry));
    }

    private Counter nacks(String type) {
        return nacks.computeIfAbsent(type, t -> Counter.builder("qmesh.xds.nacks").tag("type", t)
                .description("xDS responses proxies rejected").register(registry));
    }

    public void connected(int delta) {
        connected.addAndGet(delta);
    }

    public void groups(int count) {
        groups.set(count);
    }

    public void converged(long nanos) {
        convergence.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void generated(long nanos) {
        generate.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
