package io.qmesh.demo;

import com.sun.net.httpserver.HttpHandler;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.qmesh.demo.v1.BookwarehouseGrpc;
import io.qmesh.demo.v1.BuyBookReply;
import io.qmesh.demo.v1.RestockRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/** One demo process in the role its configuration names; {@link #main} runs it until killed. */
public final class DemoApp implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DemoApp.class.getName());

    private final DemoConfig config;
    private final Counters counters = new Counters();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private WebPage page;
    private Server grpc;

    private DemoApp(DemoConfig config) {
        this.config = config;
    }

    public static void main(String[] args) throws Exception {
        DemoApp app = start(DemoConfig.parse(args, System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close));
        LOG.info(() -> "role=" + app.config.role() + " identity=" + app.config.identity() + " version="
                + app.config.version() + " http=" + app.httpPort() + " grpc=" + app.grpcPort());
        Thread.currentThread().join();
    }

    public static DemoApp start(DemoConfig config) throws IOException {
        DemoApp app = new DemoApp(config);
        try {
            switch (config.role()) {
                case "bookstore" -> app.startBookstore();
                case "bookwarehouse" -> app.startWarehouse();
                default -> app.startBuyer();
            }
        } catch (IOException | RuntimeException e) {
            app.close();
            throw e;
        }
        return app;
    }

    public int httpPort() {
        return page.port();
    }

    public int grpcPort() {
        return grpc == null ? -1 : grpc.getPort();
    }

    public Counters counters() {
        return counters;
    }

    private void startBookstore() throws IOException {
        BookstoreService store = new BookstoreService(config, restocker(), counters);
        HttpHandler buy = exchange -> {
            BuyBookReply sale = store.sell(forwardedCaller(exchange.getRequestHeaders().getFirst("x-forwarded-client-cert")));
            exchange.getResponseHeaders().set("identity", sale.getIdentity());
            exchange.getResponseHeaders().set("version", sale.getVersion());
            WebPage.send(exchange, 200, "application/json", "{\"identity\":\"" + sale.getIdentity() + "\",\"version\":\""
                    + sale.getVersion() + "\",\"booksSold\":" + sale.getBooksSold() + ",\"caller\":\"" + sale.getCaller() + "\"}");
        };
        HttpHandler bought = exchange -> WebPage.send(exchange, 200, "application/json",
                "{\"identity\":\"" + config.identity() + "\",\"version\":\"" + config.version() + "\",\"booksSold\":" + store.sold() + "}");
        page = new WebPage(config, counters, Map.of("/buy-a-book", buy, "/books-bought", bought));
        grpc = Transport.server(config.grpcPort(), config.xdsServer())
                .addService(ServerInterceptors.intercept(store, new CallerIdentity())).build().start();
    }

    private void startWarehouse() throws IOException {
        BookwarehouseService warehouse = new BookwarehouseService();
        page = new WebPage(config, counters, Map.of("/restock", exchange -> WebPage.send(exchange, 200,
                "application/json", "{\"booksRestocked\":" + warehouse.restock().getBooksRestocked() + "}")));
        grpc = Transport.server(config.grpcPort(), config.xdsServer())
                .addService(ServerInterceptors.intercept(warehouse, new CallerIdentity())).build().start();
    }

    private void startBuyer() throws IOException {
        Buyer buyer = new Buyer(config, counters);
        resources.add(buyer);
        page = new WebPage(config, counters, Map.of());
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
        resources.add(loop::shutdownNow);
        loop.scheduleWithFixedDelay(buyer::buyOnce, 0, config.intervalMillis(), TimeUnit.MILLISECONDS);
    }

    /** How the bookstore restocks: from the configured warehouse, over gRPC or HTTP; "none" without one. */
    private Supplier<String> restocker() {
        String target = config.warehouse();
        if (target == null) {
            return () -> "none";
        }
        if (target.startsWith("http://")) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            return () -> {
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(target + "/restock"))
                            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                    return response.statusCode() == 200 ? "restocked" : "HTTP " + response.statusCode();
                } catch (IOException e) {
                    throw new IllegalStateException("UNAVAILABLE " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            };
        }
        ManagedChannel channel = Transport.channel(target);
        resources.add(channel::shutdownNow);
        return () -> {
            BookwarehouseGrpc.newBlockingStub(channel).withDeadlineAfter(3, TimeUnit.SECONDS)
                    .restock(RestockRequest.newBuilder().setStore(config.identity()).build());
            return "restocked";
        };
    }

    /** The caller's SPIFFE ID from Envoy's x-forwarded-client-cert header ({@code By=…;URI=spiffe://…}). */
    static String forwardedCaller(String xfcc) {
        if (xfcc == null) {
            return "";
        }
        for (String part : xfcc.split("[;,]")) {
            if (part.startsWith("URI=")) {
                return part.substring(4);
            }
        }
        return "";
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warning(() -> "role=" + config.role() + " close failed: " + e);
            }
        }
        if (grpc != null) {
            grpc.shutdownNow();
        }
        if (page != null) {
            page.close();
        }
    }
}
