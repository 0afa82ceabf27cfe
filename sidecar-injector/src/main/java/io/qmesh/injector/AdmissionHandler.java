package io.qmesh.injector;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qmesh.injector.admission.AdmissionCodec;
import io.qmesh.injector.certs.CaClient;
import io.qmesh.injector.patch.PodInjector;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * One AdmissionReview in, one out. Every outcome — injected, skipped, rejected (invalid pod
 * settings), invalid (malformed review), error (cluster or CA unavailable, or a bug) — is an
 * AdmissionReview response, counted in {@code qmesh_injector_admissions_total{result}} and timed in
 * {@code qmesh_injector_admission_duration_seconds}.
 */
@ApplicationScoped
public class AdmissionHandler {

    private static final Logger LOG = Logger.getLogger(AdmissionHandler.class);

    private final ClusterView cluster;
    private final BootstrapSecrets secrets;
    private final MeterRegistry registry;
    private final Timer duration;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public AdmissionHandler(ClusterView cluster, BootstrapSecrets secrets, MeterRegistry registry) {
        this.cluster = cluster;
        this.secrets = secrets;
        this.registry = registry;
        this.duration = Timer.builder("qmesh.injector.admission.duration")
                .description("Time to answer one AdmissionReview, bootstrap certificate and Secret included")
                .publishPercentileHistogram().register(registry);
        for (String result : List.of("injected", "skipped", "rejected", "invalid", "error")) {
            counter(result);
        }
    }

    public byte[] handle(byte[] body) {
        long start = System.nanoTime();
        String[] result = {"error"};
        try {
            AdmissionCodec.Parsed parsed = AdmissionCodec.parse(body);
            if (parsed instanceof AdmissionCodec.Invalid invalid) {
                result[0] = "invalid";
                LOG.warnf("admission uid=%s refused: %s", invalid.uid(), invalid.message());
                return AdmissionCodec.deny(invalid.uid(), 400, invalid.message());
            }
            return admit(((AdmissionCodec.Valid) parsed).request(), result);
        } catch (RuntimeException e) {
            LOG.errorf(e, "admission failed with a bug (%d bytes of request)", body.length);
            return AdmissionCodec.deny("", 500, "sidecar-injector internal error: " + e);
        } finally {
            duration.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            counter(result[0]).increment();
        }
    }

    private byte[] admit(AdmissionCodec.Request request, String[] result) {
        String pod = request.namespace() + "/" + PodInjector.nameOf(request.pod().getMetadata() == null
                ? new io.fabric8.kubernetes.api.model.ObjectMeta() : request.pod().getMetadata());
        PodInjector.Outcome outcome;
        try {
            outcome = PodInjector.admit(request.pod(), request.namespace(), cluster.namespace(request.namespace()),
                    cluster.settings(), UUID.randomUUID().toString());
        } catch (KubernetesClientException e) {
            LOG.warnf("pod=%s uid=%s not admitted: Kubernetes API unavailable: %s", pod, request.uid(), e.getMessage());
            return AdmissionCodec.deny(request.uid(), 500, "pod " + pod + ": sidecar-injector cannot read namespace "
                    + request.namespace() + " or the MeshConfig: " + e.getMessage());
        }
        if (outcome instanceof PodInjector.Skip skip) {
            result[0] = "skipped";
            LOG.debugf("pod=%s uid=%s not injected: %s", pod, request.uid(), skip.reason());
            return AdmissionCodec.allow(request.uid(), List.of());
        }
        if (outcome instanceof PodInjector.Reject reject) {
            result[0] = "rejected";
            String message = "pod " + pod + ": " + String.join("; ", reject.errors());
            LOG.infof("pod=%s uid=%s rejected: %s", pod, request.uid(), message);
            return AdmissionCodec.deny(request.uid(), 422, message);
        }
        PodInjector.Inject inject = (PodInjector.Inject) outcome;
        try {
            secrets.write(inject, !request.dryRun());
        } catch (CaClient.CaException | KubernetesClientException e) {
            LOG.warnf("pod=%s proxy=%s uid=%s not admitted: %s", pod, inject.proxyUuid(), request.uid(), e.getMessage());
            return AdmissionCodec.deny(request.uid(), 500, "pod " + pod
                    + ": cannot create the Envoy bootstrap Secret " + inject.secretName() + ": " + e.getMessage());
        }
        result[0] = "injected";
        LOG.infof("pod=%s proxy=%s secret=%s injected (%s)", pod, inject.proxyUuid(), inject.secretName(),
                inject.reason());
        return AdmissionCodec.allow(request.uid(), inject.patch());
    }

    private Counter counter(String result) {
        return counters.computeIfAbsent(result, r -> Counter.builder("qmesh.injector.admissions")
                .description("AdmissionReviews answered, by result").tag("result", r).register(registry));
    }
}
