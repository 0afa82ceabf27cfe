package io.qmesh.injector.patch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.injector.patch.InjectionDecision.Namespace;
import io.qmesh.injector.patch.InjectionDecision.Pod;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InjectionDecisionTest {

    static final Namespace ENROLLED = new Namespace(Map.of("qmesh.io/monitored-by", "qmesh"),
            Map.of("qmesh.io/sidecar-injection", "enabled"));

    static InjectionDecision decide(Pod pod, Namespace namespace) {
        return InjectionDecision.decide(pod, namespace, "qmesh", "qmesh-system");
    }

    static Pod pod(Map<String, String> annotations) {
        return new Pod("bookstore", annotations, false, false);
    }

    @Test
    void enrolledNamespaceWithInjectionEnabled_injects() {
        assertThat(decide(pod(Map.of()), ENROLLED).inject()).isTrue();
    }

    @Test
    void podAnnotation_overridesNamespace() {
        assertThat(decide(pod(Map.of("qmesh.io/sidecar-injection", "disabled")), ENROLLED).inject()).isFalse();
        Namespace disabled = new Namespace(ENROLLED.labels(), Map.of("qmesh.io/sidecar-injection", "disabled"));
        assertThat(decide(pod(Map.of("qmesh.io/sidecar-injection", "enabled")), disabled).inject()).isTrue();
    }

    @Test
    void notEnrolledOrOtherMesh_isSkippedNamingTheLabel() {
        InjectionDecision other = decide(pod(Map.of("qmesh.io/sidecar-injection", "enabled")),
                new Namespace(Map.of("qmesh.io/monitored-by", "other"), Map.of()));

        assertThat(other.inject()).isFalse();
        assertThat(other.reason()).contains("not enrolled").contains("qmesh.io/monitored-by=other");
    }

    @Test
    void hostNetworkControlPlaneAndAlreadyInjected_areNeverInjected() {
        assertThat(decide(new Pod("bookstore", Map.of(), true, false), ENROLLED).reason()).contains("hostNetwork");
        assertThat(decide(new Pod("bookstore", Map.of(), false, true), ENROLLED).reason()).contains("already");
        assertThat(decide(new Pod("qmesh-system", Map.of(), false, false), ENROLLED).inject()).isFalse();
    }

    @Test
    void unknownSettingValue_isSkippedSayingWhatIsAccepted() {
        InjectionDecision decision = decide(pod(Map.of("qmesh.io/sidecar-injection", "yes")), ENROLLED);

        assertThat(decision.inject()).isFalse();
        assertThat(decision.reason()).contains("'yes'").contains("neither 'enabled' nor 'disabled'");
    }
}
