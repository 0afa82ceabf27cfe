package io.qmesh.xds.serve;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * java-control-plane's callbacks, the one place for stream bookkeeping and metrics: connected
 * proxies, pushes, NACKs (logged with proxy, type and Envoy's error detail; the proxy keeps its last
 * good config and the snapshot is not rolled back) and ACKs for convergence.
 */
final class XdsCallbacks implements DiscoveryServerCallbacks {

    private static final Logger LOG = Logger.getLogger(XdsCallbacks.class);

    private final Streams streams;
    private final XdsMetrics metrics;
    private final Function<Node, String> groupOf;

    XdsCallbacks(Streams streams, XdsMetrics metrics, Function<Node, String> groupOf) {
        this.streams = streams;
        this.metrics = metrics;
        this.groupOf = groupOf;
    }

    @Override
    public void onV3StreamRequest(long stream, DiscoveryRequest request) {
        request(stream, request.getNode(), request.getTypeUrl(), request.getResponseNonce(),
                request.hasErrorDetail() ? request.getErrorDetail() : null, request.getVersionInfo());
        streams.ledger().requested(stream, request.getNode(), proxyGroup(stream), StreamLedger.Protocol.SOTW,
                request.getTypeUrl(), request.getResourceNamesList(), request.getResponseNonce(), request.getVersionInfo(),
                request.hasErrorDetail() ? request.getErrorDetail() : null);
    }

    @Override
    public void onV3StreamDeltaRequest(long stream, DeltaDiscoveryRequest request) {
        request(stream, request.getNode(), request.getTypeUrl(), request.getResponseNonce(),
                request.hasErrorDetail() ? request.getErrorDetail() : null, "");
        streams.ledger().requested(stream, request.getNode(), proxyGroup(stream), StreamLedger.Protocol.DELTA,
                request.getTypeUrl(), java.util.List.of(), request.getResponseNonce(), "",
                request.hasErrorDetail() ? request.getErrorDetail() : null);
    }

    private void request(long stream, Node node, String typeUrl, String nonce, com.google.rpc.Status error, String version) {
        if (streams.proxy(stream) == null && !node.getId().isEmpty()
                && streams.attach(stream, new Streams.Proxy(node.getId(), groupOf.apply(node)))) {
            metrics.connected(1);
        }
        if (nonce.isEmpty()) {
            return;
        }
        if (error != null) {
            metrics.nack(typeUrl);
            LOG.warnf("NACK proxy=%s group=%s type=%s nonce=%s rejected_version=%s code=%s error=%s", node.getId(),
                    proxyGroup(stream), XdsMetrics.type(typeUrl), nonce, version,
                    Status.fromCodeValue(error.getCode()).getCode(), error.getMessage());
        }
        streams.answered(stream);
    }

    private String proxyGroup(long stream) {
        Streams.Proxy proxy = streams.proxy(stream);
        return proxy == null ? "?" : proxy.group();
    }

    @Override
    public void onV3StreamResponse(long stream, DiscoveryRequest request, DiscoveryResponse response) {
        metrics.push(response.getTypeUrl());
        streams.sent(stream);
        streams.ledger().responded(stream, response.getTypeUrl(), response.getNonce(), response.getVersionInfo());
    }

    @Override
    public void onV3StreamDeltaResponse(long stream, DeltaDiscoveryRequest request, DeltaDiscoveryResponse response) {
        metrics.push(response.getTypeUrl());
        streams.sent(stream);
        streams.ledger().responded(stream, response.getTypeUrl(), response.getNonce(), response.getSystemVersionInfo());
    }

    @Override
    public void onStreamClose(long stream, String typeUrl) {
        closed(stream);
    }

    @Override
    public void onStreamCloseWithError(long stream, String typeUrl, Throwable error) {
        closed(stream);
    }

    private void closed(long stream) {
        streams.ledger().closed(stream);
        if (streams.detach(stream)) {
            metrics.connected(-1);
        }
    }
}
