package io.qmesh.xds.serve;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Sits in front of java-control-plane on one ADS stream. It admits the proxy on its first request
 * (refusing the stream otherwise) and remembers the node, filling it into later requests that omit
 * it ({@code set_node_on_first_message_only}): java-control-plane picks the group from every request.
 * It tells its {@link Registry} when the proxy is admitted and when the stream ends, and the server
 * can {@link #close} it (the proxy then reconnects).
 */
final class NodeTrackingObserver<Q> implements StreamObserver<Q> {

    /** Admission of a node: null when admitted, else the refusal. */
    interface Admission {
        Status check(Node node);
    }

    /** Knows the admitted streams, until they end (either side ending them). */
    interface Registry {
        void admitted(NodeTrackingObserver<?> stream);

        void ended(NodeTrackingObserver<?> stream);
    }

    private final ResponseStream<?> responses;
    private final Function<Q, Node> nodeOf;
    private final BiFunction<Q, Node, Q> withNode;
    private final Admission admission;
    private final Registry registry;
    private final StreamObserver<Q> delegate;
    private Node node;
    /** Refused, closed by the server, or ended by the proxy: nothing more reaches java-control-plane. */
    private boolean ended;

    NodeTrackingObserver(ResponseStream<?> responses, java.util.function.Supplier<StreamObserver<Q>> delegateFactory,
            Function<Q, Node> nodeOf, BiFunction<Q, Node, Q> withNode, Admission admission, Registry registry) {
        this.responses = responses;
        // created now: java-control-plane registers its cancel handler during the initial call
        this.delegate = delegateFactory.get();
        this.nodeOf = nodeOf;
        this.withNode = withNode;
        this.admission = admission;
        this.registry = registry;
    }

    /** The admitted proxy's node (null before its first request). */
    synchronized Node node() {
        return node;
    }

    /**
     * Ends the stream from the server side with {@code status}; java-control-plane drops its watches
     * (told CANCELLED, which it does not log as an error: the close is ours, not a failure).
     */
    synchronized void close(Status status) {
        if (!ended) {
            ended = true;
            responses.onError(status.asRuntimeException());
            delegate.onError(Status.CANCELLED.withDescription(status.getDescription()).asRuntimeException());
            registry.ended(this);
        }
    }

    @Override
    public synchronized void onNext(Q request) {
        if (ended) {
            return;
        }
        Node given = nodeOf.apply(request);
        if (node == null) {
            Status refusal = admission.check(given);
            if (refusal != null) {
                ended = true;
                responses.onError(refusal.asRuntimeException());
                delegate.onError(Status.CANCELLED.withDescription("refused").asRuntimeException());
                return;
            }
            node = given;
            registry.admitted(this);
        } else if (given.getId().isEmpty()) {
            request = withNode.apply(request, node);
        } else if (!given.getId().equals(node.getId())) {
            ended = true;
            registry.ended(this);
            responses.onError(Status.INVALID_ARGUMENT.withDescription("node.id changed on the stream from "
                    + node.getId() + " to " + given.getId()).asRuntimeException());
            delegate.onError(Status.CANCELLED.asRuntimeException());
            return;
        }
        delegate.onNext(request);
    }

    @Override
    public synchronized void onError(Throwable t) {
        if (!ended) {
            ended = true;
            registry.ended(this);
            delegate.onError(t);
        }
    }

    @Override
    public synchronized void onCompleted() {
        if (!ended) {
            ended = true;
            registry.ended(this);
            delegate.onCompleted();
        }
    }
}
