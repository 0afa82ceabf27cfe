package io.qmesh.xds.serve;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;

/**
 * The response side of one ADS stream, as java-control-plane and {@link NodeTrackingObserver} share
 * it: calls are serialized (a gRPC server call is not thread-safe, and responses, refusals and
 * regroup closes come from different threads) and the stream ends once, so that java-control-plane
 * may be told to drop its watches after the stream was closed with our status, without closing the
 * call a second time. Everything else is the call's.
 */
final class ResponseStream<T> extends ServerCallStreamObserver<T> {

    private final ServerCallStreamObserver<T> call;
    private final Consumer<T> onSent;
    private boolean ended;

    /** {@code onSent} sees each response before it is sent. */
    ResponseStream(StreamObserver<T> call, Consumer<T> onSent) {
        this.call = (ServerCallStreamObserver<T>) call;
        this.onSent = onSent;
    }

    @Override
    public synchronized void onNext(T response) {
        if (!ended) {
            onSent.accept(response);
            call.onNext(response);
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        if (!ended) {
            ended = true;
            call.onError(t);
        }
    }

    @Override
    public synchronized void onCompleted() {
        if (!ended) {
            ended = true;
            call.onCompleted();
        }
    }

    @Override
    public boolean isCancelled() {
        return call.isCancelled();
    }

    @Override
    public void setOnCancelHandler(Runnable onCancelHandler) {
        call.setOnCancelHandler(onCancelHandler);
    }

    @Override
    public void setCompression(String compression) {
        call.setCompression(compression);
    }

    @Override
    public boolean isReady() {
        return call.isReady();
    }

    @Override
    public void setOnReadyHandler(Runnable onReadyHandler) {
        call.setOnReadyHandler(onReadyHandler);
    }

    @Override
    public void disableAutoInboundFlowControl() {
        call.disableAutoInboundFlowControl();
    }

    @Override
    public void request(int count) {
        call.request(count);
    }

    @Override
    public void setMessageCompression(boolean enable) {
        call.setMessageCompression(enable);
    }
}
