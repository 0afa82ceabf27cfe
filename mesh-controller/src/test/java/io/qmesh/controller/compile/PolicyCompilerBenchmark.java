package io.qmesh.controller.compile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.qmesh.api.crd.SubjectRef;
import io.qmesh.api.crd.smi.HTTPRouteGroup;
import io.qmesh.api.crd.smi.TrafficTarget;
import io.qmesh.api.mesh.PolicyDelta;
import io.qmesh.api.mesh.PolicyVersion;
import io.qmesh.api.mesh.v1.MeshPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Compiling a 1,000-service, 10,000-endpoint, 1,000-TrafficTarget mesh, reported against a floor
 * measured in the same run: serializing and hashing the resulting policy (what computing its version costs).
 */
@Tag("bench")
class PolicyCompilerBenchmark {

    static final int NAMESPACES = 100;
    static final int SERVICES_PER_NAMESPACE = 10;
    static final int ENDPOINTS_PER_SERVICE = 10;

    static MeshInputs mesh(int variant) {
        List<HasMetadata> objects = new ArrayList<>();
        for (int n = 0; n < NAMESPACES; n++) {
            String ns = "ns-" + n;
            objects.add(new NamespaceBuilder().withNewMetadata().withName(ns)
                    .withLabels(Map.of("qmesh.io/monitored-by", "qmesh")).endMetadata().build());
            HTTPRouteGroup routes = new HTTPRouteGroup();
            routes.getMetadata().setName("routes");
            routes.getMetadata().setNamespace(ns);
            routes.setSpec(new HTTPRouteGroup.Spec());
            HTTPRouteGroup.Match all = new HTTPRouteGroup.Match();
            all.name = "all";
            all.pathRegex = "/.*";
            all.methods = List.of("GET", "POST");
            routes.getSpec().matches = List.of(all);
            objects.add(routes);
            for (int s = 0; s < SERVICES_PER_NAMESPACE; s++) {
                String svc = "svc-" + s;
                objects.add(new ServiceAccountBuilder().withNewMetadata().withName(svc).withNamespace(ns).endMetadata().build());
                objects.add(new ServiceBuilder().withNewMetadata().withName(svc).withNamespace(ns).endMetadata()
                        .withNewSpec().withClusterIP("10.96." + n + "." + s).addNewPort().withName("http").withPort(8080)
                        .endPort().endSpec().build());
                EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withName(svc + "-abc").withNamespace(ns)
                        .withLabels(Map.of("kubernetes.io/service-name", svc)).endMetadata().withAddressType("IPv4")
                        .addNewPort().withName("http").withPort(8080).endPort();
                for (int e = 0; e < ENDPOINTS_PER_SERVICE; e++) {
                    String pod = svc + "-" + e;
                    objects.add(new PodBuilder().withNewMetadata().withName(pod).withNamespace(ns).endMetadata()
                            .withNewSpec().withServiceAccountName(svc).endSpec().build());
                    int last = e + (variant == 1 && n == 0 && s == 0 && e == 0 ? 100 : 0);
                    slice.addToEndpoints(new EndpointBuilder().withAddresses("10." + n + "." + s + "." + last)
                            .withNewConditions().withReady(true).endConditions()
                            .withNewTargetRef().withKind("Pod").withName(pod).withNamespace(ns).endTargetRef().build());
                }
                objects.add(slice.build());
                TrafficTarget tt = new TrafficTarget();
                tt.getMetadata().setName(svc);
                tt.getMetadata().setNamespace(ns);
                tt.setSpec(new TrafficTarget.Spec());
                tt.getSpec().destination = new SubjectRef("ServiceAccount", svc, ns);
                tt.getSpec().sources = List.of(new SubjectRef("ServiceAccount", "svc-" + ((s + 1) % SERVICES_PER_NAMESPACE), ns));
                TrafficTarget.Rule rule = new TrafficTarget.Rule();
                rule.kind = "HTTPRouteGroup";
                rule.name = "routes";
                tt.getSpec().rules = List.of(rule);
                objects.add(tt);
            }
        }
        return MeshInputs.of(objects);
    }

    static double medianMillis(int runs, Supplier<?> work) {
        for (int i = 0; i < 3; i++) {
            work.get();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            work.get();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }

    @Test
    void compile_thousandServices_reportedAgainstSerializationFloor() throws IOException {
        PolicyCompiler compiler = new PolicyCompiler(CompilerConfig.defaults());
        MeshInputs inputs = mesh(0);
        MeshInputs oneEndpointMoved = mesh(1);
        MeshPolicy policy = compiler.compile(inputs).policy();
        MeshPolicy next = compiler.compile(oneEndpointMoved).policy();

        double floor = medianMillis(9, () -> PolicyVersion.of(policy));
        double compile = medianMillis(9, () -> compiler.compile(inputs));
        double delta = medianMillis(9, () -> PolicyDelta.between("v", policy, next));

        String md = "## mesh-controller: policy compile\n\n"
                + NAMESPACES * SERVICES_PER_NAMESPACE + " services, " + NAMESPACES * SERVICES_PER_NAMESPACE * ENDPOINTS_PER_SERVICE
                + " endpoints, " + NAMESPACES * SERVICES_PER_NAMESPACE + " TrafficTargets; policy "
                + policy.getSerializedSize() / 1024 + " KiB. Medians of 9 runs after 3 warm-ups.\n\n"
                + "| what | ms | × floor |\n|---|---|---|\n"
                + String.format("| floor: serialize + SHA-256 the policy (its version) | %.1f | 1.0 |%n", floor)
                + String.format("| full compile (MeshInputs → MeshPolicy + version + statuses) | %.1f | %.1f |%n", compile, compile / floor)
                + String.format("| delta after one endpoint moved | %.1f | %.1f |%n", delta, delta / floor)
                + "\n";
        Path out = Path.of("target/bench/mesh-controller.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md);
        System.out.print(md);
    }
}
