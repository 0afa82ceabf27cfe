package io.qmesh.injector.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.zjsonpatch.JsonPatch;
import io.qmesh.api.MeshLabels;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodInjectorTest {

    private static Pod pod(Map<String, String> annotations) {
        return new PodBuilder().withNewMetadata().withName("web").withNamespace("shop")
                .withAnnotations(annotations).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("nginx").endContainer().endSpec().build();
    }

    private static PodInjector.Outcome admit(Pod pod, boolean nativeSidecars) {
        return PodInjector.admit(pod, "shop", PodFixtures.ENROLLED, PodFixtures.settings(nativeSidecars), PodFixtures.UUID);
    }

    private static Pod apply(Pod pod, PodInjector.Inject inject) {
        JsonNode patch = PodFixtures.JSON.valueToTree(inject.patch());
        JsonNode patched = JsonPatch.apply(patch, PodFixtures.JSON.valueToTree(pod));
        return PodFixtures.JSON.convertValue(patched, Pod.class);
    }

    @Test
    void injectedPod_admittedAgain_isSkippedWithEmptyPatch() {
        Pod pod = pod(Map.of());
        Pod injected = apply(pod, (PodInjector.Inject) admit(pod, false));

        assertThat(admit(injected, false)).isInstanceOf(PodInjector.Skip.class);
        assertThat(PodFixtures.patchJson(admit(injected, false))).isEqualTo("[ ]\n");
    }

    @Test
    void regularCluster_envoyIsFirstContainer_andInitOnlyRunsIptables() {
        Pod pod = pod(Map.of());
        Pod injected = apply(pod, (PodInjector.Inject) admit(pod, false));

        assertThat(injected.getSpec().getContainers()).extracting("name").containsExactly("envoy", "app");
        assertThat(injected.getSpec().getInitContainers()).extracting("name").containsExactly("qmesh-init");
        assertThat(injected.getSpec().getContainers().get(0).getSecurityContext().getRunAsUser()).isEqualTo(1500L);
    }

    @Test
    void nativeSidecarCluster_envoyIsRestartableInitContainerAfterIptables() {
        Pod pod = pod(Map.of());
        Pod injected = apply(pod, (PodInjector.Inject) admit(pod, true));

        assertThat(injected.getSpec().getContainers()).extracting("name").containsExactly("app");
        assertThat(injected.getSpec().getInitContainers()).extracting("name").containsExactly("qmesh-init", "envoy");
        assertThat(injected.getSpec().getInitContainers().get(1).getRestartPolicy()).isEqualTo("Always");
    }

    @Test
    void bootstrapSecret_isNamedByTheUuidThatLabelsThePod() {
        Pod pod = pod(Map.of());
        PodInjector.Inject inject = (PodInjector.Inject) admit(pod, false);
        Pod injected = apply(pod, inject);

        assertThat(inject.secretName()).isEqualTo("qmesh-bootstrap-" + PodFixtures.UUID);
        assertThat(injected.getMetadata().getLabels()).containsEntry(MeshLabels.PROXY_UUID, PodFixtures.UUID);
        assertThat(injected.getSpec().getVolumes().get(0).getSecret().getSecretName()).isEqualTo(inject.secretName());
    }

    @Test
    void badExclusionAnnotation_rejectsNamingTheAnnotationAndEntry() {
        PodInjector.Outcome outcome = admit(pod(Map.of(
                TrafficExclusions.OUTBOUND_PORTS, "80,http",
                TrafficExclusions.OUTBOUND_IP_RANGES, "10.0.0.0/33")), false);

        assertThat(outcome).isInstanceOf(PodInjector.Reject.class);
        assertThat(((PodInjector.Reject) outcome).errors()).containsExactly(
                "qmesh.io/outbound-port-exclusion-list: 'http' is not a port number (1-65535)",
                "qmesh.io/outbound-ip-range-exclusion-list: '10.0.0.0/33' is not an IPv4 CIDR range (e.g. 10.0.0.0/8)");
    }

    @Test
    void podDisablingInjection_inEnabledNamespace_isSkipped() {
        PodInjector.Outcome outcome = admit(pod(Map.of(MeshLabels.SIDECAR_INJECTION, "disabled")), false);

        assertThat(outcome).isInstanceOf(PodInjector.Skip.class);
    }

    @Test
    void hostNetworkPod_isSkipped() {
        Pod pod = new PodBuilder(pod(Map.of())).editSpec().withHostNetwork(true).endSpec().build();

        assertThat(((PodInjector.Skip) admit(pod, false)).reason()).contains("hostNetwork");
    }

    @Test
    void metricsEnabledOnNamespace_addsPrometheusAnnotations() {
        Pod pod = pod(Map.of());
        InjectionDecision.Namespace ns = new InjectionDecision.Namespace(PodFixtures.ENROLLED.labels(),
                Map.of(MeshLabels.SIDECAR_INJECTION, "enabled", MeshLabels.METRICS, "enabled"));
        Pod injected = apply(pod, (PodInjector.Inject) PodInjector.admit(pod, "shop", ns, PodFixtures.settings(false), "u1"));

        assertThat(injected.getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", "15010").containsEntry("prometheus.io/path", "/stats/prometheus");
    }
}
