package io.qmesh.demo;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qmesh.demo.v1.BookstoreGrpc;
import io.qmesh.demo.v1.BuyBookReply;
import io.qmesh.demo.v1.BuyBookRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * bookbuyer and bookthief: buy a book, count the outcome by the answering bookstore's version or by
 * the failure (gRPC status such as PERMISSION_DENIED, or the HTTP status through a sidecar), repeat.
 */
final class Buyer implements AutoCloseable {

    private final DemoConfig config;
    private final Counters counters;
    private final ManagedChannel channel;
    private final HttpClient http;

    Buyer(DemoConfig config, Counters counters) {
        if (config.bookstore() == null) {
            throw new IllegalArgumentException("--bookstore is required for " + config.role());
        }
        this.config = config;
        this.counters = counters;
        boolean overHttp = config.bookstore().startsWith("http://");
        this.channel = overHttp ? null : Transport.channel(config.bookstore());
        this.http = overHttp ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build() : null;
    }

    /** One purchase; the outcome lands in the counters. */
    void buyOnce() {
        try {
            counters.success(channel != null ? buyOverGrpc().getVersion() : buyOverHttp());
        } catch (RuntimeException e) {
            counters.failure(reason(e), String.valueOf(e.getMessage()));
        }
    }

    private BuyBookReply buyOverGrpc() {
        return BookstoreGrpc.newBlockingStub(channel).withDeadlineAfter(3, TimeUnit.SECONDS)
                .buyBook(BuyBookRequest.newBuilder().setBuyer(config.identity()).build());
    }

    private String buyOverHttp() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.bookstore() + "/buy-a-book/new"))
                .timeout(Duration.ofSeconds(3)).header("client-app", config.role()).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode() + " " + response.body());
            }
            return response.headers().firstValue("version").orElse("unknown");
        } catch (IOException e) {
            throw new IllegalStateException("UNAVAILABLE " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A failure's short name: the gRPC status code, or the first word of the message ("HTTP 403" stays whole). */
    static String reason(RuntimeException e) {
        if (e instanceof StatusRuntimeException status) {
            return status.getStatus().getCode().name();
        }
        Status status = Status.fromThrowable(e);
        if (status.getCode() != Status.Code.UNKNOWN) {
            return status.getCode().name();
        }
        String message = String.valueOf(e.getMessage());
        return message.startsWith("HTTP ") ? message.substring(0, Math.min(8, message.length())) : message.split(" ")[0];
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }
}
