package io.qmesh.xds.serve;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.ServerCallStreamObserver;
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

    /** The stream's responses, remembering the nonce and version of the last one sent per type. */
    ServerCallStreamObserver<DiscoveryResponse> recording(StreamObserver<DiscoveryResponse> responses) {
        ServerCallStreamObserver<DiscoveryResponse> call = (ServerCallStreamObserver<DiscoveryResponse>) responses;
        return new ServerCallStreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse response) {
                lastSentByType.put(response.getTypeUrl(), new Sent(response.getNonce(), response.getVersionInfo()));
                call.onNext(response);
            }

            @Override
            public void onError(Throwable t) {
                call.onError(t);
            }

            @Override
            public void onCompleted() {
                call.onCompleted();
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
        };
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
