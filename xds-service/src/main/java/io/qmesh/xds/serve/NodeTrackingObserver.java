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
 */
final class NodeTrackingObserver<Q> implements StreamObserver<Q> {

    /** Admission of a node: null when admitted, else the refusal. */
    interface Admission {
        Status check(Node node);
    }

    private final StreamObserver<?> responses;
    private final Function<Q, Node> nodeOf;
    private final BiFunction<Q, Node, Q> withNode;
    private final Admission admission;
    private final StreamObserver<Q> delegate;
    private Node node;
    private boolean refused;

    NodeTrackingObserver(StreamObserver<?> responses, java.util.function.Supplier<StreamObserver<Q>> delegateFactory,
            Function<Q, Node> nodeOf, BiFunction<Q, Node, Q> withNode, Admission admission) {
        this.responses = responses;
        // created now: java-control-plane registers its cancel handler during the initial call
        this.delegate = delegateFactory.get();
        this.nodeOf = nodeOf;
        this.withNode = withNode;
        this.admission = admission;
    }

    @Override
    public synchronized void onNext(Q request) {
        if (refused) {
            return;
        }
        Node given = nodeOf.apply(request);
        if (node == null) {
            Status refusal = admission.check(given);
            if (refusal != null) {
                refused = true;
                responses.onError(refusal.asRuntimeException());
                delegate.onError(Status.CANCELLED.withDescription("refused").asRuntimeException());
                return;
            }
            node = given;
        } else if (given.getId().isEmpty()) {
            request = withNode.apply(request, node);
        } else if (!given.getId().equals(node.getId())) {
            refused = true;
            responses.onError(Status.INVALID_ARGUMENT.withDescription("node.id changed on the stream from "
                    + node.getId() + " to " + given.getId()).asRuntimeException());
            delegate.onError(Status.CANCELLED.asRuntimeException());
            return;
        }
        delegate.onNext(request);
    }

    @Override
    public synchronized void onError(Throwable t) {
        if (!refused) {
            delegate.onError(t);
        }
    }

    @Override
    public synchronized void onCompleted() {
        if (!refused) {
            delegate.onCompleted();
        }
    }
}
