package io.qmesh.controller.compile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.qmesh.api.crd.config.MeshConfig;
import io.qmesh.api.crd.policy.Egress;
import io.qmesh.api.crd.policy.IngressBackend;
import io.qmesh.api.crd.policy.Retry;
import io.qmesh.api.crd.policy.UpstreamTrafficSetting;
import io.qmesh.api.crd.smi.HTTPRouteGroup;
import io.qmesh.api.crd.smi.TCPRoute;
import io.qmesh.api.crd.smi.TrafficSplit;
import io.qmesh.api.crd.smi.TrafficTarget;
import io.qmesh.api.mesh.PolicyEntries;
import io.qmesh.api.mesh.PolicyVersion;
import io.qmesh.api.mesh.v1.Diagnostic;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.ObjectRef;
import io.qmesh.api.mesh.v1.PolicyEntry;
import io.qmesh.api.mesh.v1.ServiceEndpoints;
import io.qmesh.api.mesh.v1.WorkloadIdentity;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Cluster state in, one MeshPolicy out. Pure: the same inputs give the same bytes and version.
 * Objects outside enrolled namespaces are ignored; a resource with a problem is left out of the
 * policy and reported (a Diagnostic, and {@code Accepted=False} in its status), the rest still applies.
 */
public final class PolicyCompiler {

    private final CompilerConfig config;

    public PolicyCompiler(CompilerConfig config) {
        this.config = config;
    }

    public CompilerConfig config() {
        return config;
    }

    public CompileResult compile(MeshInputs inputs) {
        Optional<MeshConfig> meshConfig = inputs.meshConfig(config);
        SettingsTranslator.Result settings = SettingsTranslator.translate(config, meshConfig);
        MeshIndex index = new MeshIndex(config, settings.settings(), inputs);
        Run run = new Run();
        meshConfig.ifPresent(m -> run.checked(m, settings.problem()));

        List<PolicyEntry> entries = new ArrayList<>();
        index.inMesh(inputs.services()).forEach(s -> entries.add(PolicyEntry.newBuilder()
                .setService(ServiceTranslator.service(s, config.clusterDomain())).build()));
        // first: the Services their sources name may lie outside the mesh, and their endpoints are then listed too
        Map<IngressBackend, io.qmesh.api.mesh.v1.IngressBackend> ingress =
                translateEach(run, index, inputs.ingressBackends(), IngressBackendTranslator::translate);
        List<ServiceEndpoints> endpoints = ServiceTranslator.endpoints(index, inputs,
                IngressBackendTranslator.sourceServices(ingress.values()));
        endpoints.forEach(e -> entries.add(PolicyEntry.newBuilder().setEndpoints(e).build()));
        ServiceTranslator.servicelessPods(index, inputs)
                .forEach(p -> entries.add(PolicyEntry.newBuilder().setServicelessPod(p).build()));
        List<WorkloadIdentity> identities = ServiceTranslator.identities(index, inputs);
        identities.forEach(i -> entries.add(PolicyEntry.newBuilder().setIdentity(i).build()));
        if (settings.settings().getPermissiveTrafficPolicy()) {
            AccessTranslator.permissive(identities).forEach(r -> entries.add(PolicyEntry.newBuilder().setAllowRule(r).build()));
        }

        index.inMesh(inputs.httpRouteGroups()).forEach(g -> run.checked(g, HttpMatches.validate(g)));
        index.inMesh(inputs.tcpRoutes()).forEach(r -> run.checked(r, AccessTranslator.validate(r)));
        translateEach(run, index, inputs.trafficTargets(), AccessTranslator::translate)
                .forEach((tt, rule) -> entries.add(PolicyEntry.newBuilder().setAllowRule(rule).build()));

        Map<TrafficSplit, io.qmesh.api.mesh.v1.TrafficSplit> splits =
                translateEach(run, index, inputs.trafficSplits(), TrafficSplitTranslator::translate);
        oldestPerKey(run, splits, s -> s.getApexService(), "spec.service", "apex service")
                .forEach(s -> entries.add(PolicyEntry.newBuilder().setTrafficSplit(s).build()));

        translateEach(run, index, inputs.retries(), RetryTranslator::translate)
                .forEach((r, p) -> entries.add(PolicyEntry.newBuilder().setRetryPolicy(p).build()));

        Map<UpstreamTrafficSetting, io.qmesh.api.mesh.v1.UpstreamTrafficSetting> upstream =
                translateEach(run, index, inputs.upstreamTrafficSettings(), UpstreamTrafficSettingTranslator::translate);
        oldestPerKey(run, upstream, u -> u.getService(), "spec.host", "service")
                .forEach(u -> entries.add(PolicyEntry.newBuilder().setUpstreamTrafficSetting(u).build()));

        translateEach(run, index, inputs.egresses(), EgressTranslator::translate)
                .forEach((e, rule) -> entries.add(PolicyEntry.newBuilder().setEgressRule(rule).build()));
        ingress.values().forEach(b -> entries.add(PolicyEntry.newBuilder().setIngressBackend(b).build()));

        run.diagnostics().forEach(d -> entries.add(PolicyEntry.newBuilder().setDiagnostic(d).build()));
        MeshPolicy policy = PolicyEntries.assemble(settings.settings(), entries);
        return new CompileResult(policy, PolicyVersion.of(policy), run.statuses());
    }

    private static <R extends HasMetadata, T> Map<R, T> translateEach(Run run, MeshIndex index, List<R> resources,
            BiFunction<R, MeshIndex, Translated<T>> translator) {
        Map<R, T> out = new IdentityHashMap<>();
        for (R resource : index.inMesh(resources)) {
            Translated<T> t = translator.apply(resource, index);
            if (t.ok()) {
                out.put(resource, t.value());
            }
            run.checked(resource, t.problem());
        }
        return out;
    }

    /** Of the accepted resources claiming the same target, the oldest wins; the others get a Conflict and are withdrawn. */
    private static <R extends HasMetadata, T> List<T> oldestPerKey(Run run, Map<R, T> accepted,
            java.util.function.Function<T, ObjectRef> target, String field, String what) {
        Map<ObjectRef, R> winners = new TreeMap<>(Refs.ORDER);
        List<R> byAge = new ArrayList<>(accepted.keySet());
        byAge.sort(Conflicts.OLDEST_FIRST);
        List<T> out = new ArrayList<>();
        for (R resource : byAge) {
            ObjectRef key = target.apply(accepted.get(resource));
            R winner = winners.putIfAbsent(key, resource);
            if (winner == null) {
                out.add(accepted.get(resource));
            } else {
                run.checked(resource, Conflicts.lostTo(winner, field, what + " " + Refs.text(key)));
            }
        }
        return out;
    }

    /** Collects each resource's verdict; a later problem replaces an earlier acceptance (conflicts are found last). */
    private static final class Run {
        private final Map<String, HasMetadata> resources = new TreeMap<>();
        private final Map<String, Problem> problems = new TreeMap<>();

        void checked(HasMetadata resource, Problem problem) {
            String key = ResourceKind.of(resource).ordinal() + "\u0000" + resource.getMetadata().getNamespace()
                    + "\u0000" + resource.getMetadata().getName();
            resources.put(key, resource);
            if (problem != null) {
                problems.put(key, problem);
            }
        }

        List<Diagnostic> diagnostics() {
            List<Diagnostic> out = new ArrayList<>();
            problems.forEach((key, p) -> out.add(Diagnostic.newBuilder()
                    .setResourceKind(ResourceKind.of(resources.get(key)).qualifiedName())
                    .setResource(Refs.of(resources.get(key)))
                    .setField(p.field()).setReason(p.reason()).setMessage(p.message())
                    .build()));
            return out;
        }

        List<ResourceStatus> statuses() {
            List<ResourceStatus> out = new ArrayList<>();
            resources.forEach((key, r) -> {
                Problem p = problems.get(key);
                long generation = r.getMetadata().getGeneration() == null ? 0 : r.getMetadata().getGeneration();
                out.add(p == null
                        ? new ResourceStatus(ResourceKind.of(r), r.getMetadata().getNamespace(), r.getMetadata().getName(),
                                generation, true, ResourceStatus.ACCEPTED_REASON, "applied to mesh policy")
                        : new ResourceStatus(ResourceKind.of(r), r.getMetadata().getNamespace(), r.getMetadata().getName(),
                                generation, false, p.reason(), p.message()));
            });
            out.sort(null);
            return out;
        }
    }
}
