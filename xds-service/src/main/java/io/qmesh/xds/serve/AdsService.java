package io.qmesh.xds.serve;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qmesh.api.Identity;
import io.qmesh.xds.proxy.ProxyAdmission;
import io.qmesh.xds.proxy.ProxyNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * ADS (state of the world and delta), delegating to java-control-plane's aggregated discovery
 * service behind per-stream admission and node tracking. {@link AdsServer} serves it.
 */
@ApplicationScoped
public class AdsService {

    private static final Logger LOG = Logger.getLogger(AdsService.class);

    private final XdsServer server;
    private final XdsMetrics metrics;
    private final boolean requireClientCertificate;
    /** Admitted streams and the group each was admitted to. */
    private final Map<NodeTrackingObserver<?>, String> streams = new ConcurrentHashMap<>();
    private final NodeTrackingObserver.Registry registry = new NodeTrackingObserver.Registry() {
        @Override
        public void admitted(NodeTrackingObserver<?> stream) {
            streams.put(stream, server.groupOf(stream.node()));
        }

        @Override
        public void ended(NodeTrackingObserver<?> stream) {
            streams.remove(stream);
        }
    };

    AdsService(XdsServer server, XdsMetrics metrics,
            @ConfigProperty(name = "qmesh.xds.require-client-certificate", defaultValue = "true") boolean requireClientCertificate) {
        this.server = server;
        this.metrics = metrics;
        this.requireClientCertificate = requireClientCertificate;
        server.onApplied(this::closeRegrouped);
    }

    /**
     * {@code qmesh.xds.require-client-certificate}, read here only: streams without a SPIFFE client
     * certificate are refused, and {@link AdsServer}'s TLS requires one.
     */
    boolean requiresClientCertificate() {
        return requireClientCertificate;
    }

    /**
     * After a policy, ends the streams whose proxy now belongs to another group (its pod began or
     * stopped backing a Service, its ports changed) or to none (its pod left the policy). Their
     * watches are on the old group, which gets no more updates; Envoy reconnects and is admitted anew.
     */
    private void closeRegrouped() {
        streams.forEach((stream, group) -> {
            String now = server.groupOf(stream.node());
            if (!now.equals(group)) {
                String why = now.equals(XdsServer.UNKNOWN_GROUP)
                        ? "pod is no longer in the mesh policy"
                        : "proxy group changed from " + group + " to " + now + "; reconnect for its configuration";
                LOG.infof("closing ADS stream proxy=%s: %s", stream.node().getId(), why);
                stream.close(Status.UNAVAILABLE.withDescription(why));
                metrics.regrouped();
            }
        });
    }

    public ServerServiceDefinition definition() {
        return new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
            @Override
            public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> responses) {
                return AdsService.this.streamAggregatedResources(responses);
            }

            @Override
            public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(StreamObserver<DeltaDiscoveryResponse> responses) {
                return AdsService.this.deltaAggregatedResources(responses);
            }
        }.bindService();
    }

    StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> responses) {
        Optional<String> spiffeId = PeerIdentity.SPIFFE_ID.get();
        var ads = server.discovery().getAggregatedDiscoveryServiceImpl();
        SotwNacks nacks = new SotwNacks();
        var stream = new ResponseStream<>(responses, nacks::sent);
        return new NodeTrackingObserver<>(stream, () -> nacks.pinning(ads.streamAggregatedResources(stream)),
                DiscoveryRequest::getNode, (r, n) -> r.toBuilder().setNode(n).build(), node -> admit(node, spiffeId),
                registry);
    }

    StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(StreamObserver<DeltaDiscoveryResponse> responses) {
        Optional<String> spiffeId = PeerIdentity.SPIFFE_ID.get();
        var ads = server.discovery().getAggregatedDiscoveryServiceImpl();
        var stream = new ResponseStream<>(responses, response -> { });
        return new NodeTrackingObserver<>(stream, () -> ads.deltaAggregatedResources(stream),
                DeltaDiscoveryRequest::getNode, (r, n) -> r.toBuilder().setNode(n).build(), node -> admit(node, spiffeId),
                registry);
    }

    private Status admit(Node node, Optional<String> spiffeId) {
        ProxyNode.Result parsed = ProxyNode.parse(node);
        if (!parsed.ok()) {
            return refuse(node, Status.INVALID_ARGUMENT, parsed.refusal());
        }
        if (spiffeId == null) {
            spiffeId = Optional.empty();
        }
        if (spiffeId.isEmpty() && requireClientCertificate) {
            return refuse(node, Status.UNAUTHENTICATED, "no client certificate with a SPIFFE ID");
        }
        Optional<Identity> peer;
        try {
            peer = spiffeId.map(id -> Identity.fromSpiffeId(id, server.trustDomain()));
        } catch (IllegalArgumentException e) {
            return refuse(node, Status.PERMISSION_DENIED, e.getMessage());
        }
        ProxyAdmission.Decision decision = server.admit(parsed.node(), peer);
        if (!decision.admitted()) {
            return refuse(node, Status.PERMISSION_DENIED, decision.refusal());
        }
        LOG.debugf("admitted proxy=%s group=%s", node.getId(), decision.group().key());
        return null;
    }

    private static Status refuse(Node node, Status status, String why) {
        LOG.warnf("refused ADS stream proxy=%s: %s", node.getId(), why);
        return status.withDescription(why);
    }
}
