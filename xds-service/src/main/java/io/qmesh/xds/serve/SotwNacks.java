package io.qmesh.xds.serve;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a state-of-the-world NACK from being answered with the configuration it rejects. A NACK
 * carries the last version the proxy accepted, as the xDS protocol says; java-control-plane's cache
 * takes any version other than its snapshot's as a request for the snapshot and would resend the
 * rejected configuration at once, in a loop for as long as the proxy rejects it. So the version of a
 * NACK is replaced by the version of the response it rejects (found by nonce): the cache then waits
 * for the next change, the proxy keeps its last good configuration, and the logs name the rejected
 * version. One instance per stream.
 */
final class SotwNacks {

    private record Sent(String nonce, String version) {
    }

    private final Map<String, Sent> lastSentByType = new ConcurrentHashMap<>();

    /** To be told of each response sent on the stream: remembers its nonce and version per type. */
    void sent(DiscoveryResponse response) {
        lastSentByType.put(response.getTypeUrl(), new Sent(response.getNonce(), response.getVersionInfo()));
    }

    /** The stream's requests, each NACK carrying the version it rejects. */
    StreamObserver<DiscoveryRequest> pinning(StreamObserver<DiscoveryRequest> requests) {
        return new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryRequest request) {
                requests.onNext(pin(request));
            }

            @Override
            public void onError(Throwable t) {
                requests.onError(t);
            }

            @Override
            public void onCompleted() {
                requests.onCompleted();
            }
        };
    }

    DiscoveryRequest pin(DiscoveryRequest request) {
        if (!request.hasErrorDetail()) {
            return request;
        }
        Sent rejected = lastSentByType.get(request.getTypeUrl());
        if (rejected == null || !rejected.nonce().equals(request.getResponseNonce())) {
            return request;
        }
        return request.toBuilder().setVersionInfo(rejected.version()).build();
    }
}
