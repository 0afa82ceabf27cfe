package io.qmesh.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.restassured.response.ValidatableResponse;

/**
 * What every control-plane service answers on its HTTP port, as a user (a kubelet probe, a
 * Prometheus scrape) sees it. Call from a {@code @QuarkusTest}, where RestAssured points at the app.
 */
public final class ServiceEndpoints {

    private ServiceEndpoints() {
    }

    public static void assertLive() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    /** Readiness is UP and the named check is among the UP checks. */
    public static void assertReadyWith(String check) {
        readiness().statusCode(200).body("status", equalTo("UP"))
                .body("checks.findAll { it.status == 'UP' }.name", hasItem(check));
    }

    /** Readiness is DOWN because of the named check, whose data carries {@code reason}. */
    public static void assertNotReadyBecause(String check, String reason) {
        readiness().statusCode(503).body("status", equalTo("DOWN"))
                .body("checks.find { it.name == '" + check + "' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == '" + check + "' }.data.reason", containsString(reason));
    }

    /** {@code /q/metrics} is Prometheus text carrying {@code qmesh_build_info{service=<service>,...} 1.0}. */
    public static void assertBuildInfo(String service) {
        given().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE qmesh_build_info gauge"))
                .body(containsString("service=\"" + service + "\""))
                .body(containsString("version=\""));
    }

    private static ValidatableResponse readiness() {
        return given().get("/q/health/ready").then();
    }
}
