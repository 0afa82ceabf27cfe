package io.qmesh.controller.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.api.mesh.v1.Identity;
import io.qmesh.api.mesh.v1.MeshPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The "why allowed / why denied" answers the CLI gives, over policies compiled from the golden cases. */
class AccessCheckTest {

    static final Identity BUYER = id("bookbuyer", "bookbuyer");
    static final Identity THIEF = id("bookthief", "bookthief");
    static final Identity STORE = id("bookstore", "bookstore");
    static final Identity WAREHOUSE = id("bookwarehouse", "bookwarehouse");

    static Identity id(String ns, String sa) {
        return Identity.newBuilder().setNamespace(ns).setServiceAccount(sa).build();
    }

    static MeshPolicy policy(String goldenCase) {
        return new PolicyCompiler(CompilerConfig.defaults()).compile(GoldenPolicyTest.inputs(goldenCase)).policy();
    }

    @Test
    void check_buyerWithMatchingRoute_isAllowedNamingTargetAndMatch() {
        var verdict = AccessCheck.check(policy("smi-http-allow-deny"), AccessCheck.Call.http(BUYER, STORE, 14001, "GET",
                "/books-bought", Map.of("User-Agent", "go-http-client/1.1", "client-app", "bookbuyer")));

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.rule().getName()).isEqualTo("bookstore");
        assertThat(verdict.match()).isEqualTo("bookstore-service-routes/books-bought");
    }

    @Test
    void check_thiefWithoutTrafficTarget_isDeniedSayingSo() {
        var verdict = AccessCheck.check(policy("smi-http-allow-deny"),
                AccessCheck.Call.http(THIEF, STORE, 14001, "GET", "/books-bought", Map.of()));

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.explanation()).startsWith("no TrafficTarget allows identity bookthief/bookthief to reach bookstore/bookstore");
    }

    @Test
    void check_buyerOnUnlistedRoute_isDeniedNamingTheTarget() {
        var verdict = AccessCheck.check(policy("smi-http-allow-deny"),
                AccessCheck.Call.http(BUYER, STORE, 14001, "DELETE", "/books-bought", Map.of("client-app", "bookbuyer")));

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.explanation()).contains("TrafficTarget bookstore/bookstore", "no route match allows DELETE /books-bought");
    }

    @Test
    void check_tcpRoutePorts_allowOnlyThosePorts() {
        MeshPolicy policy = policy("tcp-route");

        assertThat(AccessCheck.check(policy, AccessCheck.Call.tcp(STORE, WAREHOUSE, 3306)).allowed()).isTrue();
        assertThat(AccessCheck.check(policy, AccessCheck.Call.tcp(STORE, WAREHOUSE, 14001)).allowed()).isFalse();
        assertThat(AccessCheck.check(policy, AccessCheck.Call.tcp(BUYER, WAREHOUSE, 14001)).rule().getName()).isEqualTo("buyer-anything");
    }

    @Test
    void check_permissiveMode_allowsAnyMeshIdentity() {
        var verdict = AccessCheck.check(policy("permissive"), AccessCheck.Call.tcp(THIEF, STORE, 14001));

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.explanation()).startsWith("permissive traffic policy mode allows");
    }
}
