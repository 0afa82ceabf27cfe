package io.qmesh.xds.serve;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An ADS client that behaves like Envoy: subscribes to CDS and LDS (wildcard), then EDS for the EDS
 * clusters and RDS for the route configurations the listeners name (and, with {@link #followingSecrets()},
 * SDS for the secrets their TLS contexts name); ACKs every response with its version and nonce, or
 * NACKs with an error detail when told to. Speaks SotW or delta.
 *
 * <p>Public and shipped in xds-service's test-jar: local-mesh's {@code EnvoyAdsIT} drives
 * the real processes with it.
 */
public final class TestAdsClient implements AutoCloseable {

    /** One response as received: type, resource names, removed names, and the version and nonce it carried. */
    public record Received(String type, Map<String, Any> resources, List<String> removed, String version, String nonce) {
    }

    public static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
    public static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;
    public static final String LDS = Resources.V3.LISTENER_TYPE_URL;
    public static final String RDS = Resources.V3.ROUTE_TYPE_URL;
    public static final String SDS = Resources.V3.SECRET_TYPE_URL;

    private final ManagedChannel channel;
    private final boolean delta;
    private final Node node;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final Map<String, Set<String>> subscribed = new TreeMap<>();
    private final Map<String, String> lastAcked = new TreeMap<>();
    private final Map<String, Set<String>> secretsNamedBy = new TreeMap<>();
    /** What the client holds per type: the resources of every response it ACKed (a NACKed one changes nothing). */
    private final Map<String, Map<String, Any>> accepted = new TreeMap<>();
    private final Map<String, Map<String, TestAdsClientRefs>> held = new TreeMap<>();
    private volatile String nackNextOf;
    private volatile boolean counting;
    private volatile boolean followSecrets;
    private volatile long lastResponseNanos;
    private final java.util.concurrent.atomic.AtomicLong responses = new java.util.concurrent.atomic.AtomicLong();
    private volatile Throwable error;
    private StreamObserver<DiscoveryRequest> sotw;
    private StreamObserver<DeltaDiscoveryRequest> deltaStream;

    public TestAdsClient(int port, boolean delta, String podNamespace, String podName, String podUid) {
        this(ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build(), delta, podNamespace, podName, podUid);
    }

    /** Over mTLS with the given client certificate, like Envoy with its bootstrap certificate. */
    public TestAdsClient(int port, io.grpc.ChannelCredentials credentials, boolean delta, String podNamespace, String podName,
            String podUid) {
        this(io.grpc.Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build(), delta, podNamespace,
                podName, podUid);
    }

    /** On a channel of the caller's making (e.g. mTLS with an authority override); closed with this client. */
    public TestAdsClient(ManagedChannel channel, boolean delta, String podNamespace, String podName, String podUid) {
        this.channel = channel;
        this.delta = delta;
        this.node = Node.newBuilder().setId(podNamespace + "/" + podName).setCluster(podName)
                .setMetadata(Struct.newBuilder()
                        .putFields("pod_name", Value.newBuilder().setStringValue(podName).build())
                        .putFields("pod_namespace", Value.newBuilder().setStringValue(podNamespace).build())
                        .putFields("pod_uid", Value.newBuilder().setStringValue(podUid).build()))
                .build();
    }

    public TestAdsClient start() {
        var stub = AggregatedDiscoveryServiceGrpc.newStub(channel);
        if (delta) {
            deltaStream = stub.deltaAggregatedResources(new Observer<>(this::onDelta));
            subscribeDelta(CDS, Set.of(), true);
            subscribeDelta(LDS, Set.of(), false);
        } else {
            sotw = stub.streamAggregatedResources(new Observer<>(this::onSotw));
            request(CDS, Set.of(), "", "", null, true);
            request(LDS, Set.of(), "", "", null, false);
        }
        return this;
    }

    /**
     * Also subscribe to the SDS secrets that the clusters' and listeners' TLS contexts name, as Envoy
     * does. Off by default: the tests without a CA serve no secrets, and the benchmark keeps its numbers.
     */
    public TestAdsClient followingSecrets() {
        followSecrets = true;
        return this;
    }

    /** Keep no responses, only count them (for the benchmark's thousands of clients). */
    TestAdsClient counting() {
        counting = true;
        return this;
    }

    long responses() {
        return responses.get();
    }

    long lastResponseNanos() {
        return lastResponseNanos;
    }

    private void record(Received r) {
        lastResponseNanos = System.nanoTime();
        if (!counting) {
            received.add(r);
        }
        responses.incrementAndGet();
    }

    /** The next response, or null after the timeout. */
    public Received next(long timeout, TimeUnit unit) throws InterruptedException {
        if (error != null) {
            throw new AssertionError("ADS stream failed", error);
        }
        return received.poll(timeout, unit);
    }

    /** NACK the next response of this type (with an error detail, like Envoy rejecting a config). */
    public void nackNext(String typeUrl) {
        nackNextOf = typeUrl;
    }

    /** Responses received and not yet taken with {@link #next}. */
    public int pending() {
        return received.size();
    }

    public Throwable error() {
        return error;
    }

    /** The resources of this type the client holds now: its last good configuration. */
    public synchronized Map<String, Any> accepted(String typeUrl) {
        return Map.copyOf(accepted.getOrDefault(typeUrl, Map.of()));
    }

    private synchronized void onSotw(DiscoveryResponse response) {
        Map<String, Any> resources = new TreeMap<>();
        response.getResourcesList().forEach(a -> resources.put(Resources.getResourceName(a), a));
        record(new Received(response.getTypeUrl(), resources, List.of(), response.getVersionInfo(), response.getNonce()));
        Status nack = nack(response.getTypeUrl());
        String version = nack != null ? lastAcked.getOrDefault(response.getTypeUrl(), "") : response.getVersionInfo();
        if (nack == null) {
            lastAcked.put(response.getTypeUrl(), response.getVersionInfo());
        }
        request(response.getTypeUrl(), subscribed.getOrDefault(response.getTypeUrl(), Set.of()), version,
                response.getNonce(), nack, false);
        if (nack == null) {
            hold(response.getTypeUrl(), resources, Map.of(), List.of(), true);
        }
    }

    private synchronized void onDelta(DeltaDiscoveryResponse response) {
        Map<String, Any> resources = new TreeMap<>();
        response.getResourcesList().forEach((Resource r) -> resources.put(r.getName(), r.getResource()));
        record(new Received(response.getTypeUrl(), resources, List.copyOf(response.getRemovedResourcesList()),
                response.getSystemVersionInfo(), response.getNonce()));
        Status nack = nack(response.getTypeUrl());
        DeltaDiscoveryRequest.Builder ack = DeltaDiscoveryRequest.newBuilder().setTypeUrl(response.getTypeUrl())
                .setResponseNonce(response.getNonce());
        if (nack != null) {
            ack.setErrorDetail(nack);
        }
        deltaStream.onNext(ack.build());
        if (nack == null) {
            Map<String, String> versions = new TreeMap<>();
            response.getResourcesList().forEach((Resource r) -> versions.put(r.getName(), r.getVersion()));
            hold(response.getTypeUrl(), resources, versions, response.getRemovedResourcesList(), false);
        }
    }

    private Status nack(String typeUrl) {
        if (typeUrl.equals(nackNextOf)) {
            nackNextOf = null;
            return Status.newBuilder().setCode(3).setMessage("test client rejects this " + typeUrl).build();
        }
        return null;
    }

    /**
     * Takes an accepted response: a SotW one replaces what the client holds of its type, a delta one
     * adds and removes. Counting clients (the benchmark's thousands) keep only what each resource
     * refers to, not the resource, so their heap stays out of the server's heap-per-proxy figure.
     */
    private void hold(String typeUrl, Map<String, Any> resources, Map<String, String> versions, List<String> removed,
            boolean replace) {
        try {
            Map<String, TestAdsClientRefs> refs = replace ? new TreeMap<>() : held.computeIfAbsent(typeUrl, t -> new TreeMap<>());
            for (Map.Entry<String, Any> e : resources.entrySet()) {
                String version = versions.get(e.getKey());
                refs.put(e.getKey(), counting && version != null
                        ? TestAdsClientRefs.shared(typeUrl, e.getKey(), version, e.getValue())
                        : TestAdsClientRefs.of(typeUrl, e.getValue()));
            }
            removed.forEach(refs::remove);
            held.put(typeUrl, refs);
            if (!counting) {
                Map<String, Any> kept = replace ? new TreeMap<>() : accepted.computeIfAbsent(typeUrl, t -> new TreeMap<>());
                kept.putAll(resources);
                removed.forEach(kept::remove);
                accepted.put(typeUrl, kept);
            }
            follow(typeUrl, refs.values());
        } catch (InvalidProtocolBufferException e) {
            error = e;
        }
    }

    /**
     * After clusters, ask for their endpoints; after listeners, for their route configurations; after
     * either, for the secrets they name (when following secrets). {@code held} is everything the
     * client holds of the type, not just the last delta response, so one changed cluster does not
     * unsubscribe the others' endpoints.
     */
    private void follow(String typeUrl, java.util.Collection<TestAdsClientRefs> held) {
        if (!typeUrl.equals(CDS) && !typeUrl.equals(LDS)) {
            return;
        }
        Set<String> wanted = new TreeSet<>();
        Set<String> secrets = new TreeSet<>();
        held.forEach(r -> {
            wanted.addAll(r.wanted());
            secrets.addAll(r.secrets());
        });
        resubscribe(typeUrl.equals(CDS) ? EDS : RDS, wanted);
        followSecrets(typeUrl, secrets);
    }

    private void followSecrets(String namedBy, Set<String> secrets) {
        if (!followSecrets) {
            return;
        }
        secretsNamedBy.put(namedBy, secrets);
        Set<String> all = new TreeSet<>();
        secretsNamedBy.values().forEach(all::addAll);
        resubscribe(SDS, all);
    }

    private void resubscribe(String typeUrl, Set<String> names) {
        Set<String> before = subscribed.getOrDefault(typeUrl, Set.of());
        if (before.equals(names)) {
            return;
        }
        if (delta) {
            Set<String> added = new TreeSet<>(names);
            added.removeAll(before);
            Set<String> gone = new TreeSet<>(before);
            gone.removeAll(names);
            subscribed.put(typeUrl, Set.copyOf(names));
            deltaStream.onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl(typeUrl)
                    .addAllResourceNamesSubscribe(added).addAllResourceNamesUnsubscribe(gone).build());
        } else {
            request(typeUrl, names, lastAcked.getOrDefault(typeUrl, ""), "", null, false);
        }
    }

    private void subscribeDelta(String typeUrl, Set<String> names, boolean first) {
        DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder().setTypeUrl(typeUrl)
                .addAllResourceNamesSubscribe(names);
        if (first) {
            request.setNode(node);
        }
        deltaStream.onNext(request.build());
    }

    private void request(String typeUrl, Set<String> names, String version, String nonce, Status nack, boolean first) {
        subscribed.put(typeUrl, Set.copyOf(names));
        DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder().setTypeUrl(typeUrl).addAllResourceNames(names)
                .setVersionInfo(version).setResponseNonce(nonce);
        if (first) {
            request.setNode(node); // set_node_on_first_message_only, as Envoy bootstraps usually do
        }
        if (nack != null) {
            request.setErrorDetail(nack);
        }
        sotw.onNext(request.build());
    }

    @Override
    public void close() throws InterruptedException {
        if (sotw != null) {
            sotw.onCompleted();
        }
        if (deltaStream != null) {
            deltaStream.onCompleted();
        }
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Observer<T> implements StreamObserver<T> {
        private final java.util.function.Consumer<T> onResponse;

        Observer(java.util.function.Consumer<T> onResponse) {
            this.onResponse = onResponse;
        }

        @Override
        public void onNext(T value) {
            onResponse.accept(value);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
        }
    }

    public static List<String> names(List<Received> all) {
        List<String> names = new ArrayList<>();
        all.forEach(r -> names.addAll(r.resources().keySet()));
        return names;
    }
}
