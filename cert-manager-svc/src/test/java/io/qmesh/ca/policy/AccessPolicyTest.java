package io.qmesh.ca.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.api.Identity;
import io.qmesh.ca.issue.LeafKind;
import io.qmesh.ca.issue.LeafSubject;
import io.qmesh.ca.issue.Refusal;
import io.qmesh.ca.issue.Refusal.Reason;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

    static final Identity XDS = Identity.of("qmesh-system", "xds-service");
    static final Identity INJECTOR = Identity.of("qmesh-system", "sidecar-injector");
    static final AccessPolicy POLICY = new AccessPolicy(Map.of(
            LeafKind.WORKLOAD, Set.of(XDS), LeafKind.BOOTSTRAP, Set.of(INJECTOR), LeafKind.WEBHOOK, Set.of(INJECTOR),
            LeafKind.SERVING, Set.of(XDS)),
            Set.of("qmesh-system"));
    static final LeafSubject BOOKSTORE = LeafSubject.spiffe(LeafKind.WORKLOAD, Identity.of("bookstore", "bookstore"), "cluster.local");

    @Test
    void xdsService_mayObtainWorkloadIdentitiesAndItsServingName_injectorBootstrapAndItsWebhook() {
        assertThat(POLICY.decide(XDS, BOOKSTORE)).isEmpty();
        assertThat(POLICY.decide(XDS, LeafSubject.dns(LeafKind.SERVING, List.of("xds-service.qmesh-system.svc",
                "xds-service.qmesh-system.svc.cluster.local"), "cluster.local"))).isEmpty();
        assertThat(POLICY.decide(INJECTOR, LeafSubject.spiffe(LeafKind.BOOTSTRAP, Identity.of("bookstore", "bookstore"), "cluster.local"))).isEmpty();
        assertThat(POLICY.decide(INJECTOR, LeafSubject.webhook(List.of("sidecar-injector.qmesh-system.svc",
                "sidecar-injector.qmesh-system.svc.cluster.local", "sidecar-injector.qmesh-system"), "cluster.local"))).isEmpty();
    }

    @Test
    void injectorAskingForWorkload_isDeniedNamingCallerAndKind() {
        assertThat(POLICY.decide(INJECTOR, BOOKSTORE)).get().extracting(Refusal::reason, Refusal::message)
                .containsExactly(Reason.PERMISSION_DENIED, "caller qmesh-system/sidecar-injector may not obtain WORKLOAD certificates (allowed: [qmesh-system/xds-service])");
    }

    @Test
    void anyoneElse_isDenied() {
        assertThat(POLICY.decide(Identity.of("bookstore", "bookstore"), BOOKSTORE)).get()
                .extracting(Refusal::message).asString().startsWith("caller bookstore/bookstore may not obtain WORKLOAD");
    }

    @Test
    void xdsServiceAskingForAControlPlaneIdentity_isDenied() {
        assertThat(POLICY.decide(XDS, LeafSubject.spiffe(LeafKind.WORKLOAD, Identity.of("qmesh-system", "cert-manager-svc"), "cluster.local")))
                .get().extracting(Refusal::message).asString().contains("namespace qmesh-system is the control plane's");
    }

    @Test
    void webhookNameOutsideTheCallersNamespace_isDenied() {
        assertThat(POLICY.decide(INJECTOR, LeafSubject.webhook(List.of("sidecar-injector.qmesh-system.svc", "api.default.svc"), "cluster.local")))
                .get().extracting(Refusal::message).asString().contains("WEBHOOK DNS name api.default.svc");
        assertThat(POLICY.decide(INJECTOR, LeafSubject.webhook(List.of("www.example.com"), "cluster.local"))).isPresent();
    }

    @Test
    void anotherComponentsServiceName_isDenied() {
        // xds-service may not obtain the webhook's name (it could then answer admission requests), nor the reverse
        assertThat(POLICY.decide(XDS, LeafSubject.dns(LeafKind.SERVING, List.of("sidecar-injector.qmesh-system.svc"), "cluster.local")))
                .get().extracting(Refusal::message).asString()
                .isEqualTo("caller qmesh-system/xds-service may not obtain SERVING DNS name sidecar-injector.qmesh-system.svc:"
                        + " only the names of its own Service xds-service.qmesh-system");
        assertThat(POLICY.decide(INJECTOR, LeafSubject.webhook(List.of("xds-service.qmesh-system.svc"), "cluster.local"))).isPresent();
        assertThat(POLICY.decide(INJECTOR, LeafSubject.dns(LeafKind.SERVING, List.of("sidecar-injector.qmesh-system.svc"), "cluster.local")))
                .as("SERVING is xds-service's role").get().extracting(Refusal::message).asString()
                .contains("may not obtain SERVING certificates");
    }
}
