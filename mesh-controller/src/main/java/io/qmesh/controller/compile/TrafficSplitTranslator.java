package io.qmesh.controller.compile;

import io.qmesh.api.crd.smi.TrafficSplit;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.WeightedBackend;
import java.util.Optional;

/** TrafficSplit → weighted backends of the apex service. Conflicts between splits are settled by {@link Conflicts}. */
final class TrafficSplitTranslator {

    private TrafficSplitTranslator() {
    }

    static Translated<io.qmesh.api.mesh.v1.TrafficSplit> translate(TrafficSplit split, MeshIndex index) {
        String ns = split.getMetadata().getNamespace();
        TrafficSplit.Spec spec = split.getSpec();
        if (spec == null) {
            return Translated.failed(Problem.missing("spec"));
        }
        Translated<ObjectRef> apex = service(spec.service, "spec.service", ns, index);
        if (!apex.ok()) {
            return Translated.failed(apex.problem());
        }
        if (spec.backends == null || spec.backends.isEmpty()) {
            return Translated.failed(Problem.missing("spec.backends"));
        }
        io.qmesh.api.mesh.v1.TrafficSplit.Builder out = io.qmesh.api.mesh.v1.TrafficSplit.newBuilder()
                .setRef(Refs.of(split)).setApexService(apex.value());
        long total = 0;
        java.util.TreeMap<ObjectRef, Integer> backends = new java.util.TreeMap<>(Refs.ORDER);
        for (int i = 0; i < spec.backends.size(); i++) {
            TrafficSplit.Backend b = spec.backends.get(i);
            String field = "spec.backends[" + i + "]";
            if (b == null) {
                return Translated.failed(Problem.missing(field));
            }
            Translated<ObjectRef> backend = service(b.service, field + ".service", ns, index);
            if (!backend.ok()) {
                return Translated.failed(backend.problem());
            }
            if (b.weight == null) {
                return Translated.failed(Problem.missing(field + ".weight"));
            }
            if (b.weight < 0) {
                return Translated.failed(Problem.invalid(field + ".weight", b.weight + " is negative"));
            }
            if (backends.put(backend.value(), b.weight) != null) {
                return Translated.failed(new Problem(field + ".service", "DuplicateBackend",
                        field + ".service: " + Refs.text(backend.value()) + " is listed twice"));
            }
            total += b.weight;
        }
        if (total == 0) {
            return Translated.failed(new Problem("spec.backends", "ZeroWeights",
                    "spec.backends: the weights sum to 0, so no backend would receive traffic"));
        }
        backends.forEach((ref, weight) -> out.addBackends(WeightedBackend.newBuilder().setService(ref).setWeight(weight)));
        Translated<java.util.List<io.qmesh.api.mesh.v1.HttpMatch>> matches = HttpMatches.resolve(index, ns, spec.matches);
        if (matches.problem() != null) {
            return Translated.failed(matches.problem());
        }
        out.addAllHttpMatches(matches.value());
        return Translated.ok(out.build());
    }

    /**
     * A service named by a split: {@code name} in the split's namespace, or a DNS name
     * {@code name.namespace[.svc[.<cluster domain>]]}. It must exist in an enrolled namespace.
     */
    static Translated<ObjectRef> service(String name, String field, String namespace, MeshIndex index) {
        if (Refs.blank(name)) {
            return Translated.failed(Problem.missing(field));
        }
        String svc = name;
        String ns = namespace;
        int dot = name.indexOf('.');
        if (dot > 0) {
            Optional<io.fabric8.kubernetes.api.model.Service> byHost = index.meshServiceByHost(name);
            if (byHost.isPresent()) {
                return Translated.ok(Refs.of(byHost.get()));
            }
            svc = name.substring(0, dot);
            ns = name.substring(dot + 1).split("\\.")[0];
        }
        if (!index.isEnrolled(ns)) {
            return Translated.failed(new Problem(field, "NotInMesh", field + ": Service " + ns + "/" + svc
                    + " is in namespace " + ns + ", which is not enrolled in mesh " + index.config.meshName()));
        }
        if (index.meshService(ns, svc).isEmpty()) {
            return Translated.failed(new Problem(field, "ServiceNotFound", field + ": Service " + ns + "/" + svc + " does not exist"));
        }
        return Translated.ok(Refs.of(ns, svc));
    }
}
