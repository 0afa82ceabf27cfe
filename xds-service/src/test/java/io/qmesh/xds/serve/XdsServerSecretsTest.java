package io.qmesh.xds.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qmesh.api.Identity;
import io.qmesh.xds.generate.TestPolicies;
import io.qmesh.xds.generate.WorkloadCertificate;
import io.qmesh.xds.policy.PolicyHolder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** SDS through the snapshots: a renewed certificate reaches its identity's group, a new trust bundle every group. */
class XdsServerSecretsTest {

    static final String S0 = "app/s0[app/s0][8080]";
    static final String C0 = "client/c0[client/c0][8080]";

    @Test
    void trustBundleChange_reachesEveryGroup_certificateOnlyItsOwn() throws Exception {
        SecretStore store = new SecretStore();
        XdsServer server = new XdsServer(new PolicyHolder(), store, new XdsMetrics(new SimpleMeterRegistry()), 1);
        server.apply("v1", TestPolicies.pairs(2).build()).get();
        Map<String, String> before = secretVersions(server);

        store.putTrustBundle("-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n");

        await().atMost(Duration.ofSeconds(5)).until(() -> secretVersions(server).values().stream()
                .noneMatch(v -> before.containsValue(v)));
        assertThat(server.snapshot(S0).get().secrets().resources()).containsOnlyKeys("root-cert:cluster.local");
        Map<String, String> withBundle = secretVersions(server);

        store.putCertificate(Identity.of("app", "s0"), new WorkloadCertificate("chain", "key", Instant.EPOCH, Instant.EPOCH));

        await().atMost(Duration.ofSeconds(5)).until(() -> !secretVersions(server).get(S0).equals(withBundle.get(S0)));
        assertThat(server.snapshot(S0).get().secrets().resources())
                .containsOnlyKeys("root-cert:cluster.local", "service-cert:app/s0");
        assertThat(secretVersions(server).get(C0)).isEqualTo(withBundle.get(C0));
        assertThat(server.snapshot(C0).get().secrets().resources()).doesNotContainKey("service-cert:app/s0");
    }

    private static Map<String, String> secretVersions(XdsServer server) {
        return server.identities().isEmpty() ? Map.of() : Map.of(S0, server.snapshot(S0).get().secrets().version(),
                C0, server.snapshot(C0).get().secrets().version()).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
