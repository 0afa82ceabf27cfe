package io.qmesh.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The four roles talk to each other without a mesh: plain gRPC and plain HTTP, as the walkthrough's starting point. */
class BookstoreDemoIT {

    static DemoConfig config(String role, String version, String bookstore, String warehouse) {
        return new DemoConfig(role, version, role + "/" + role, 0, 0, bookstore, warehouse, false, 20);
    }

    @Test
    void buyer_overGrpc_buysFromBookstoreWhichRestocksFromWarehouse() throws Exception {
        try (DemoApp warehouse = DemoApp.start(config("bookwarehouse", "v1", null, null));
             DemoApp store = DemoApp.start(config("bookstore", "v2", null, "127.0.0.1:" + warehouse.grpcPort()));
             DemoApp buyer = DemoApp.start(config("bookbuyer", "v1", "127.0.0.1:" + store.grpcPort(), null))) {

            await().atMost(Duration.ofSeconds(20)).until(() -> buyer.counters().successes().getOrDefault("v2", 0L) >= 3);
            assertThat(buyer.counters().failures()).isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> store.counters().successes().getOrDefault("restocked", 0L) >= 3);
        }
    }

    @Test
    void buyer_overHttp_countsVersionsAndShowsThemOnItsPage() throws Exception {
        try (DemoApp store = DemoApp.start(config("bookstore", "v1", null, null));
             DemoApp buyer = DemoApp.start(config("bookbuyer", "v1", "http://127.0.0.1:" + store.httpPort(), null))) {

            await().atMost(Duration.ofSeconds(20)).until(() -> buyer.counters().successes().getOrDefault("v1", 0L) >= 3);
            HttpClient http = HttpClient.newHttpClient();
            String page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + buyer.httpPort() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String counters = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + buyer.httpPort() + "/counters")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();

            assertThat(page).contains("bookbuyer").contains("bought from bookstore v1").contains("http-equiv=refresh");
            assertThat(counters).startsWith("{\"success\":{\"v1\":");
        }
    }

    @Test
    void buyer_withBookstoreDown_countsUnavailable() throws Exception {
        try (DemoApp buyer = DemoApp.start(config("bookthief", "v1", "127.0.0.1:1", null))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> buyer.counters().failures().getOrDefault("UNAVAILABLE", 0L) >= 1);
            assertThat(buyer.counters().successes()).isEmpty();
        }
    }

    @Test
    void config_badRole_isRefusedNamingTheChoices() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoConfig.parse(new String[] {"--role=shopper"}, Map.of()))
                .hasMessageContaining("bookbuyer, bookthief, bookstore or bookwarehouse");
    }

    @Test
    void forwardedCaller_readsSpiffeIdFromEnvoyHeader() {
        assertThat(DemoApp.forwardedCaller("By=spiffe://cluster.local/ns/bookstore/sa/bookstore;Hash=ab;URI=spiffe://cluster.local/ns/bookbuyer/sa/bookbuyer"))
                .isEqualTo("spiffe://cluster.local/ns/bookbuyer/sa/bookbuyer");
    }
}
