package io.qmesh.demo;

import io.grpc.stub.StreamObserver;
import io.qmesh.demo.v1.BookwarehouseGrpc;
import io.qmesh.demo.v1.RestockReply;
import io.qmesh.demo.v1.RestockRequest;
import java.util.concurrent.atomic.AtomicLong;

/** Restocks bookstores, one book at a time. */
final class BookwarehouseService extends BookwarehouseGrpc.BookwarehouseImplBase {

    private final AtomicLong restocked = new AtomicLong();

    @Override
    public void restock(RestockRequest request, StreamObserver<RestockReply> reply) {
        reply.onNext(restock());
        reply.onCompleted();
    }

    RestockReply restock() {
        return RestockReply.newBuilder().setBooksRestocked(restocked.incrementAndGet()).build();
    }
}
