package io.qmesh.controller.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.qmesh.api.mesh.PolicyDelta;
import io.qmesh.api.mesh.PolicyEntries;
import io.qmesh.api.mesh.PolicyVersion;
import io.qmesh.api.mesh.v1.EntryKind;
import io.qmesh.api.mesh.v1.Identity;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.api.mesh.v1.MeshPolicyDelta;
import io.qmesh.api.mesh.v1.ServicelessPod;
import io.qmesh.api.mesh.v1.WorkloadIdentity;
import io.qmesh.controller.KubeYaml;
import io.qmesh.testing.GoldenFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Meshed pods that back no Service, on top of the golden cluster (bookstore demo). */
class ServicelessPodsTest {

    static final PolicyCompiler COMPILER = new PolicyCompiler(CompilerConfig.defaults());

    /** The golden cluster, with {@code extra} added and pods of the same namespace/name replaced. */
    static MeshInputs cluster(HasMetadata... extra) {
        List<HasMetadata> objects = new ArrayList<>(KubeYaml.read(GoldenFiles.read(GoldenPolicyTest.GOLDEN.resolve("cluster.yaml"))));
        for (HasMetadata o : extra) {
            objects.removeIf(x -> x.getKind().equals(o.getKind()) && Refs.of(x).equals(Refs.of(o)));
            objects.add(o);
        }
        return MeshInputs.of(objects);
    }

    static MeshPolicy compile(HasMetadata... extra) {
        return COMPILER.compile(cluster(extra)).policy();
    }

    /** A running pod the injector gave a sidecar. */
    static PodBuilder injected(String ns, String name, String uid) {
        return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).withUid(uid)
                .addToLabels(io.qmesh.api.MeshLabels.PROXY_UUID, "9c1d2e3f-0000-4000-8000-" + uid.substring(uid.length() - 12))
                .endMetadata()
                .withNewSpec().withServiceAccountName(ns).addNewContainer().withName("app").withImage("qmesh/" + ns).endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP("10.244.5.5").endStatus();
    }

    static Pod buyerJob() {
        return injected("bookbuyer", "bookbuyer-job-x7k2", "22222222-0000-0000-0000-000000000001").build();
    }

    /** A Service {@code bookbuyer/bookbuyer} and its slice with {@code pod} as a ready endpoint. */
    static HasMetadata[] serviceFor(Pod pod) {
        var service = new ServiceBuilder().withNewMetadata().withNamespace("bookbuyer").withName("bookbuyer").endMetadata()
                .withNewSpec().withClusterIP("10.96.0.50").addNewPort().withName("http").withPort(8080).endPort().endSpec().build();
        EndpointSlice slice = new EndpointSliceBuilder().withNewMetadata().withNamespace("bookbuyer").withName("bookbuyer-abcde")
                .addToLabels(ServiceTranslator.SERVICE_NAME_LABEL, "bookbuyer").endMetadata()
                .withAddressType("IPv4").addNewPort().withName("http").withPort(8080).endPort()
                .addNewEndpoint().withAddresses("10.244.5.5").withNewConditions().withReady(true).endConditions()
                .withNewTargetRef().withKind("Pod").withNamespace("bookbuyer").withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid()).endTargetRef().endEndpoint()
                .build();
        return new HasMetadata[] {service, slice};
    }

    static HasMetadata[] plus(HasMetadata[] objects, HasMetadata o) {
        return Stream.concat(Stream.of(objects), Stream.of(o)).toArray(HasMetadata[]::new);
    }

    @Test
    void compile_injectedClientOnlyPod_yieldsOneServicelessPodWithItsIdentityAndUid() {
        MeshPolicy policy = compile(buyerJob());

        assertThat(policy.getServicelessPodsList()).containsExactly(ServicelessPod.newBuilder()
                .setPod(Refs.of("bookbuyer", "bookbuyer-job-x7k2"))
                .setPodUid("22222222-0000-0000-0000-000000000001")
                .setIdentity(Refs.identity("bookbuyer", "bookbuyer"))
                .build());
    }

    @Test
    void compile_injectedPodWithoutServiceAccount_runsAsDefaultWhichIsAnIdentity() {
        Pod pod = injected("bookbuyer", "curl", "22222222-0000-0000-0000-000000000002")
                .editSpec().withServiceAccountName(null).endSpec().build();

        MeshPolicy policy = compile(pod);

        Identity defaultSa = Refs.identity("bookbuyer", "default");
        assertThat(policy.getServicelessPodsList()).extracting(ServicelessPod::getIdentity).containsExactly(defaultSa);
        assertThat(policy.getIdentitiesList()).extracting(WorkloadIdentity::getIdentity).contains(defaultSa);
    }

    @Test
    void compile_injectedPodBehindAService_staysUnderEndpointsOnly() {
        Pod store = injected("bookstore", "bookstore-v1-7d9f", "11111111-0000-0000-0000-000000000001").build();

        MeshPolicy policy = compile(store);

        assertThat(policy.getServicelessPodsList()).isEmpty();
        assertThat(policy.getEndpointsList()).flatExtracting(e -> e.getEndpointsList())
                .extracting(e -> e.getPod()).contains(Refs.of("bookstore", "bookstore-v1-7d9f"));
    }

    @Test
    void compile_injectedPodWhoseOnlyEndpointIsNotReady_isNotListed_soItsGroupStaysWhenItBecomesReady() {
        Pod starting = injected("bookstore", "bookstore-v2-starting", "11111111-0000-0000-0000-000000000003").build();

        assertThat(compile(starting).getServicelessPodsList()).isEmpty();
    }

    @Test
    void compile_injectedPodSelectedByAServiceBeforeAnyEndpointSliceNamesIt_isNotListed() {
        Pod fresh = injected("bookstore", "bookstore-v1-fresh", "11111111-0000-0000-0000-000000000009")
                .editMetadata().addToLabels("app", "bookstore").endMetadata().build();
        Pod unselected = injected("bookstore", "bookstore-tool", "11111111-0000-0000-0000-00000000000a")
                .editMetadata().addToLabels("app", "tool").endMetadata().build();

        assertThat(compile(fresh, unselected).getServicelessPodsList()).extracting(ServicelessPod::getPod)
                .containsExactly(Refs.of("bookstore", "bookstore-tool"));
    }

    static Stream<Arguments> podsThatAreNotServiceless() {
        return Stream.of(
                Arguments.of("no sidecar", injected("bookbuyer", "plain", "22222222-0000-0000-0000-000000000003")
                        .editMetadata().withLabels(null).endMetadata().build()),
                Arguments.of("namespace not enrolled", injected("outside", "client", "22222222-0000-0000-0000-000000000004").build()),
                Arguments.of("namespace of another mesh", injected("other-mesh", "client", "22222222-0000-0000-0000-000000000005").build()),
                Arguments.of("Succeeded", injected("bookbuyer", "done", "22222222-0000-0000-0000-000000000006")
                        .editStatus().withPhase("Succeeded").endStatus().build()),
                Arguments.of("Failed", injected("bookbuyer", "crashed", "22222222-0000-0000-0000-000000000007")
                        .editStatus().withPhase("Failed").endStatus().build()),
                Arguments.of("terminating", injected("bookbuyer", "leaving", "22222222-0000-0000-0000-000000000008")
                        .editMetadata().withDeletionTimestamp("2026-11-29T16:00:00Z").endMetadata().build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("podsThatAreNotServiceless")
    void compile_podThatIsNotAServicelessMeshedPod_yieldsNone(String why, Pod pod) {
        assertThat(compile(pod).getServicelessPodsList()).isEmpty();
    }

    @Test
    void compile_podGainsThenLosesAService_entryMovesToEndpointsAndBack() {
        Pod job = buyerJob();
        MeshPolicy alone = compile(job);
        MeshPolicy served = compile(plus(serviceFor(job), job));
        MeshPolicy aloneAgain = compile(job);

        assertThat(served.getServicelessPodsList()).isEmpty();
        assertThat(served.getEndpointsList()).flatExtracting(e -> e.getEndpointsList())
                .extracting(e -> e.getPod()).contains(Refs.of("bookbuyer", "bookbuyer-job-x7k2"));
        MeshPolicyDelta gained = PolicyDelta.between(PolicyVersion.of(alone), alone, served);
        assertThat(gained.getRemovalsList()).extracting(k -> k.getKind() + " " + Refs.text(k.getRef()))
                .containsExactly("SERVICELESS_POD bookbuyer/bookbuyer-job-x7k2");
        assertThat(PolicyDelta.apply(alone, gained)).isEqualTo(served);

        assertThat(aloneAgain.getServicelessPodsList()).extracting(ServicelessPod::getPod)
                .containsExactly(Refs.of("bookbuyer", "bookbuyer-job-x7k2"));
        MeshPolicyDelta lost = PolicyDelta.between(PolicyVersion.of(served), served, aloneAgain);
        assertThat(lost.getUpsertsList()).filteredOn(e -> e.hasServicelessPod()).hasSize(1);
        assertThat(PolicyDelta.apply(served, lost)).isEqualTo(aloneAgain);
        assertThat(PolicyVersion.of(aloneAgain)).isEqualTo(PolicyVersion.of(alone));
    }

    @Test
    void compile_unrelatedPodStatusUpdate_keepsTheVersionAndGivesAnEmptyDelta() {
        Pod before = buyerJob();
        Pod after = new PodBuilder(before).editMetadata().withResourceVersion("42").endMetadata()
                .editStatus().withPodIP("10.244.5.6")
                .addToConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build()).endStatus()
                .build();
        CompileResult first = COMPILER.compile(cluster(before));
        CompileResult second = COMPILER.compile(cluster(after));

        assertThat(second.version()).isEqualTo(first.version());
        assertThat(PolicyDelta.isEmpty(PolicyDelta.between(first.version(), first.policy(), second.policy()))).isTrue();
    }

    @Test
    void entries_servicelessPod_isKeyedByItsPod() {
        MeshPolicy policy = compile(buyerJob());

        assertThat(PolicyEntries.entries(policy).keySet()).filteredOn(k -> k.kind() == EntryKind.SERVICELESS_POD)
                .containsExactly(new PolicyEntries.Key(EntryKind.SERVICELESS_POD, "", "bookbuyer", "bookbuyer-job-x7k2"));
    }
}
