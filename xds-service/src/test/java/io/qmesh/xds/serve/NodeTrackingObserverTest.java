package io.qmesh.xds.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a stream ends: the proxy is told our status once, java-control-plane is told CANCELLED (which it does not log as an error). */
class NodeTrackingObserverTest {

    /** The gRPC call as the proxy sees it: what it was sent, and how it was closed (closing twice throws, as gRPC does). */
    static final class Call extends ServerCallStreamObserver<String> {
        final List<String> sent = new ArrayList<>();
        final List<Status> closes = new ArrayList<>();

        @Override
        public void onNext(String value) {
            sent.add(value);
        }

        @Override
        public void onError(Throwable t) {
            if (!closes.isEmpty()) {
                throw new IllegalStateException("call already closed");
            }
            closes.add(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            onError(Status.OK.asRuntimeException());
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {
        }

        @Override
        public void setCompression(String compression) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }
    }

    /** Stands in for java-control-plane's stream handler: on an error it closes the responses itself, as it does. */
    static final class ControlPlane implements StreamObserver<String> {
        final List<String> requests = new ArrayList<>();
        final List<Status> errors = new ArrayList<>();
        final StreamObserver<String> responses;

        ControlPlane(StreamObserver<String> responses) {
            this.responses = responses;
        }

        @Override
        public void onNext(String request) {
            requests.add(request);
            responses.onNext("response to " + request);
        }

        @Override
        public void onError(Throwable t) {
            errors.add(Status.fromThrowable(t));
            responses.onError(Status.fromThrowable(t).asException());
        }

        @Override
        public void onCompleted() {
        }
    }

    final Call call = new Call();
    final ResponseStream<String> responses = new ResponseStream<>(call, r -> { });
    final ControlPlane controlPlane = new ControlPlane(responses);
    final List<NodeTrackingObserver<?>> admitted = new ArrayList<>();

    NodeTrackingObserver<String> stream(Status refusal) {
        return new NodeTrackingObserver<>(responses, () -> controlPlane, r -> Node.newBuilder().setId(r).build(), (r, n) -> r,
                node -> refusal, new NodeTrackingObserver.Registry() {
                    @Override
                    public void admitted(NodeTrackingObserver<?> stream) {
                        admitted.add(stream);
                    }

                    @Override
                    public void ended(NodeTrackingObserver<?> stream) {
                        admitted.remove(stream);
                    }
                });
    }

    @Test
    void closedByTheServer_proxyGetsTheStatus_controlPlaneIsCancelled_andNothingIsSentAfter() {
        NodeTrackingObserver<String> stream = stream(null);
        stream.onNext("app/web-1");
        assertThat(admitted).containsExactly(stream);

        stream.close(Status.UNAVAILABLE.withDescription("proxy group changed"));
        responses.onNext("late push");
        stream.onNext("app/web-1");

        assertThat(call.closes).singleElement().satisfies(s -> {
            assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(s.getDescription()).isEqualTo("proxy group changed");
        });
        assertThat(controlPlane.errors).extracting(Status::getCode).containsExactly(Status.Code.CANCELLED);
        assertThat(call.sent).containsExactly("response to app/web-1");
        assertThat(controlPlane.requests).containsExactly("app/web-1");
        assertThat(admitted).isEmpty();
    }

    @Test
    void refused_proxyGetsTheRefusal_once() {
        NodeTrackingObserver<String> stream = stream(Status.PERMISSION_DENIED.withDescription("not a meshed pod"));
        stream.onNext("app/stranger");

        assertThat(call.closes).extracting(Status::getCode).containsExactly(Status.Code.PERMISSION_DENIED);
        assertThat(controlPlane.errors).extracting(Status::getCode).containsExactly(Status.Code.CANCELLED);
        assertThat(controlPlane.requests).isEmpty();
        assertThat(admitted).isEmpty();
    }
}
