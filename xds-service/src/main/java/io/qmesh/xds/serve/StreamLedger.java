package io.qmesh.xds.serve;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.qmesh.xds.proxy.ProxyNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each open ADS stream was sent and how its proxy answered, per xDS type: the version last sent,
 * the version last ACKed, the resource names a SotW stream asked for, the last NACK; and the NACKs of
 * the last hour across all streams. Fed by {@link XdsCallbacks}, read by the debug endpoints
 * ({@code io.qmesh.xds.debug}). Each stream's record is guarded by its own lock.
 *
 * <p>An ACK's version is the one sent with the nonce it answers (for SotW the request's
 * {@code version_info}, which is the same). java-control-plane numbers nonces per stream, so a
 * nonce names one response of one type.
 */
public final class StreamLedger {

    /** How long NACKs are remembered for {@link #nacksSince}, and how many at most. */
    static final Duration NACK_MEMORY = Duration.ofHours(1);
    static final int MAX_NACKS = 1_000;
    /**
     * Responses per type whose nonce is remembered, for answers that arrive after a newer response was
     * sent (java-control-plane keeps at most one response per type unanswered, so a few suffice).
     */
    private static final int NONCES_KEPT = 4;

    /** State of the world or incremental (delta) ADS. */
    public enum Protocol { SOTW, DELTA }

    /** A response the proxy rejected: its version (null when the nonce was unknown) and Envoy's error detail. */
    public record Nack(Instant at, String node, String group, String typeUrl, String version, String nonce, int code,
            String message) {
    }

    /**
     * One xDS type on one stream.
     *
     * @param resourceNames what a SotW stream last asked for (empty: everything); always empty for delta
     * @param sent the version of the last response sent, null before the first
     * @param acked the version of the last response ACKed, null before the first ACK
     * @param lastNack null when the proxy never rejected this type on this stream
     */
    public record TypeState(List<String> resourceNames, String sent, String acked, Nack lastNack) {
        public TypeState {
            resourceNames = List.copyOf(resourceNames);
        }
    }

    /** One stream: whose it is and, per type URL, its {@link TypeState}. */
    public record StreamView(long stream, String node, String group, boolean proxyless, Protocol protocol,
            Instant connectedAt, Map<String, TypeState> types) {
        public StreamView {
            types = Map.copyOf(types);
        }
    }

    private final Clock clock;
    private final Map<Long, Entry> streams = new ConcurrentHashMap<>();
    private final Deque<Nack> nacks = new ArrayDeque<>();

    public StreamLedger(Clock clock) {
        this.clock = clock;
    }

    /**
     * A request on {@code stream}: records the stream on its first request, the SotW subscription, and
     * an ACK or NACK when it answers a response ({@code nonce} not empty).
     */
    public void requested(long stream, Node node, String group, Protocol protocol, String typeUrl, List<String> names,
            String nonce, String versionInfo, com.google.rpc.Status error) {
        if (node.getId().isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Entry entry = streams.computeIfAbsent(stream,
                s -> new Entry(node.getId(), group, ProxyNode.isProxyless(node), protocol, now));
        Nack nack = entry.request(typeUrl, names, nonce, versionInfo, error, now);
        if (nack != null) {
            synchronized (nacks) {
                nacks.addLast(nack);
                while (nacks.size() > MAX_NACKS || nacks.getFirst().at().isBefore(now.minus(NACK_MEMORY))) {
                    nacks.removeFirst();
                }
            }
        }
    }

    /** A response sent on {@code stream} (before the proxy can answer it). */
    public void responded(long stream, String typeUrl, String nonce, String version) {
        Entry entry = streams.get(stream);
        if (entry != null) {
            entry.sent(typeUrl, nonce, version);
        }
    }

    public void closed(long stream) {
        streams.remove(stream);
    }

    /** Every open stream that has sent a request with a node, ordered by node then stream. */
    public List<StreamView> streams() {
        List<StreamView> views = new ArrayList<>();
        streams.forEach((id, entry) -> views.add(entry.view(id)));
        views.sort(Comparator.comparing(StreamView::node).thenComparingLong(StreamView::stream));
        return views;
    }

    /** NACKs received at or after {@code since} (at most the last hour's), oldest first. */
    public List<Nack> nacksSince(Instant since) {
        synchronized (nacks) {
            return nacks.stream().filter(n -> !n.at().isBefore(since)).toList();
        }
    }

    public Instant now() {
        return clock.instant();
    }

    private static final class Entry {
        final String node;
        final String group;
        final boolean proxyless;
        final Protocol protocol;
        final Instant connectedAt;
        final Map<String, Type> types = new TreeMap<>();

        Entry(String node, String group, boolean proxyless, Protocol protocol, Instant connectedAt) {
            this.node = node;
            this.group = group;
            this.proxyless = proxyless;
            this.protocol = protocol;
            this.connectedAt = connectedAt;
        }

        synchronized Nack request(String typeUrl, List<String> names, String nonce, String versionInfo,
                com.google.rpc.Status error, Instant now) {
            Type type = types.computeIfAbsent(typeUrl, t -> new Type());
            if (protocol == Protocol.SOTW) {
                type.names = List.copyOf(names);
            }
            if (nonce.isEmpty()) {
                if (protocol == Protocol.SOTW && !versionInfo.isEmpty() && type.acked == null) {
                    type.acked = versionInfo; // a reconnecting proxy says what it holds
                }
                return null;
            }
            String answered = type.nonces.get(nonce);
            if (error != null) {
                type.lastNack = new Nack(now, node, group, typeUrl, answered, nonce, error.getCode(), error.getMessage());
                return type.lastNack;
            }
            if (protocol == Protocol.SOTW && !versionInfo.isEmpty()) {
                type.acked = versionInfo;
            } else if (answered != null) {
                type.acked = answered;
            }
            return null;
        }

        synchronized void sent(String typeUrl, String nonce, String version) {
            Type type = types.computeIfAbsent(typeUrl, t -> new Type());
            type.sent = version;
            type.nonces.put(nonce, version);
        }

        synchronized StreamView view(long id) {
            Map<String, TypeState> states = new TreeMap<>();
            types.forEach((url, t) -> states.put(url, new TypeState(t.names, t.sent, t.acked, t.lastNack)));
            return new StreamView(id, node, group, proxyless, protocol, connectedAt, states);
        }
    }

    private static final class Type {
        List<String> names = List.of();
        String sent;
        String acked;
        Nack lastNack;
        final Map<String, String> nonces = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > NONCES_KEPT;
            }
        };
    }
}
