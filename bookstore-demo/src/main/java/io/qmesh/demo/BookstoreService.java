package io.qmesh.demo;

import io.grpc.stub.StreamObserver;
import io.qmesh.demo.v1.BookstoreGrpc;
import io.qmesh.demo.v1.BooksBoughtReply;
import io.qmesh.demo.v1.BooksBoughtRequest;
import io.qmesh.demo.v1.BuyBookReply;
import io.qmesh.demo.v1.BuyBookRequest;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Sells books, says who it is (identity, version) and who bought (the caller's SPIFFE ID), restocks each sale. */
final class BookstoreService extends BookstoreGrpc.BookstoreImplBase {

    private final DemoConfig config;
    private final Supplier<String> restock;
    private final Counters restocks;
    private final AtomicLong sold = new AtomicLong();

    /** @param restock buys one book from the warehouse; returns the outcome or throws */
    BookstoreService(DemoConfig config, Supplier<String> restock, Counters restocks) {
        this.config = config;
        this.restock = restock;
        this.restocks = restocks;
    }

    @Override
    public void buyBook(BuyBookRequest request, StreamObserver<BuyBookReply> reply) {
        reply.onNext(sell(CallerIdentity.current()));
        reply.onCompleted();
    }

    @Override
    public void booksBought(BooksBoughtRequest request, StreamObserver<BooksBoughtReply> reply) {
        reply.onNext(BooksBoughtReply.newBuilder().setIdentity(config.identity()).setVersion(config.version())
                .setBooksSold(sold.get()).build());
        reply.onCompleted();
    }

    /** One sale, for gRPC and HTTP callers alike. */
    BuyBookReply sell(String caller) {
        long count = sold.incrementAndGet();
        try {
            restocks.success(restock.get());
        } catch (RuntimeException e) {
            restocks.failure(Buyer.reason(e), String.valueOf(e.getMessage()));
        }
        return BuyBookReply.newBuilder().setIdentity(config.identity()).setVersion(config.version())
                .setBooksSold(count).setCaller(caller).build();
    }

    long sold() {
        return sold.get();
    }
}
