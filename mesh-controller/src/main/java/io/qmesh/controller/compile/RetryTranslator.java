package io.qmesh.controller.compile;

import io.qmesh.api.crd.SubjectRef;
import io.qmesh.api.crd.policy.Retry;
import io.qmesh.api.mesh.v1.Identity;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.RetryPolicy;
import java.util.TreeSet;

/** Retry → RetryPolicy for one source identity and its destination services. */
final class RetryTranslator {

    private RetryTranslator() {
    }

    static Translated<RetryPolicy> translate(Retry retry, MeshIndex index) {
        String ns = retry.getMetadata().getNamespace();
        Retry.Spec spec = retry.getSpec();
        if (spec == null) {
            return Translated.failed(Problem.missing("spec"));
        }
        Translated<Identity> source = AccessTranslator.serviceAccount(spec.source, "spec.source", ns, index);
        if (!source.ok()) {
            return Translated.failed(source.problem());
        }
        if (spec.destinations == null || spec.destinations.isEmpty()) {
            return Translated.failed(Problem.missing("spec.destinations"));
        }
        TreeSet<ObjectRef> destinations = new TreeSet<>(Refs.ORDER);
        for (int i = 0; i < spec.destinations.size(); i++) {
            SubjectRef d = spec.destinations.get(i);
            String field = "spec.destinations[" + i + "]";
            if (d == null) {
                return Translated.failed(Problem.missing(field));
            }
            if (!"Service".equals(d.kind)) {
                return Translated.failed(Problem.invalid(field + ".kind", "'" + d.kind + "' must be Service"));
            }
            Translated<ObjectRef> svc = TrafficSplitTranslator.service(d.name, field + ".name",
                    Refs.orDefault(d.namespace, ns), index);
            if (!svc.ok()) {
                return Translated.failed(svc.problem());
            }
            destinations.add(svc.value());
        }
        Retry.RetryPolicy p = spec.retryPolicy;
        if (p == null) {
            return Translated.failed(Problem.missing("spec.retryPolicy"));
        }
        if (Refs.blank(p.retryOn)) {
            return Translated.failed(Problem.missing("spec.retryPolicy.retryOn"));
        }
        RetryPolicy.Builder out = RetryPolicy.newBuilder()
                .setRef(Refs.of(retry))
                .setSource(source.value())
                .addAllDestinationServices(destinations)
                .setRetryOn(p.retryOn.replace(" ", ""));
        if (p.numRetries != null) {
            if (p.numRetries < 0) {
                return Translated.failed(Problem.invalid("spec.retryPolicy.numRetries", p.numRetries + " is negative"));
            }
            out.setNumRetries(p.numRetries);
        }
        if (p.perTryTimeout != null) {
            var d = GoDurations.parse(p.perTryTimeout);
            if (d.isEmpty()) {
                return Translated.failed(Problem.invalid("spec.retryPolicy.perTryTimeout",
                        "'" + p.perTryTimeout + "' is not a duration such as 1s or 250ms"));
            }
            out.setPerTryTimeout(d.get());
        }
        if (p.retryBackoffBaseInterval != null) {
            var d = GoDurations.parse(p.retryBackoffBaseInterval);
            if (d.isEmpty()) {
                return Translated.failed(Problem.invalid("spec.retryPolicy.retryBackoffBaseInterval",
                        "'" + p.retryBackoffBaseInterval + "' is not a duration such as 1s or 250ms"));
            }
            out.setRetryBackoffBaseInterval(d.get());
        }
        return Translated.ok(out.build());
    }
}
