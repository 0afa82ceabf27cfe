package io.qmesh.xds.serve;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Open ADS streams: which proxy and group each belongs to, and convergence of the current round
 * (streams of the groups a policy changed, each waiting for the ACKs of the responses it was sent).
 */
public final class Streams {

    /** A stream's proxy, as admitted. */
    public record Proxy(String nodeId, String group) {
    }

    private final Map<Long, Proxy> proxies = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private Round round;
    private final StreamLedger ledger;

    public Streams() {
        this(java.time.Clock.systemUTC());
    }

    public Streams(java.time.Clock clock) {
        this.ledger = new StreamLedger(clock);
    }

    /** What each stream was sent and ACKed or NACKed, per type (for the debug endpoints). */
    public StreamLedger ledger() {
        return ledger;
    }

    private static final class Round {
        final long startNanos;
        final Map<Long, Integer> outstanding = new ConcurrentHashMap<>();

        Round(long startNanos, Set<Long> streams) {
            this.startNanos = startNanos;
            streams.forEach(s -> outstanding.put(s, 0));
        }
    }

    /** Registers the stream's proxy on its first request; true when it is new. */
    public boolean attach(long stream, Proxy proxy) {
        return proxies.putIfAbsent(stream, proxy) == null;
    }

    public Proxy proxy(long stream) {
        return proxies.get(stream);
    }

    public boolean detach(long stream) {
        synchronized (lock) {
            if (round != null) {
                round.outstanding.remove(stream);
            }
        }
        return proxies.remove(stream) != null;
    }

    public Set<Long> streamsOf(Set<String> groups) {
        return proxies.entrySet().stream().filter(e -> groups.contains(e.getValue().group()))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** Starts a convergence round over these groups' streams (a newer round replaces an unfinished one). */
    public void begin(long startNanos, Set<String> groups) {
        Set<Long> streams = streamsOf(groups);
        synchronized (lock) {
            round = streams.isEmpty() ? null : new Round(startNanos, streams);
        }
    }

    public void sent(long stream) {
        synchronized (lock) {
            if (round != null) {
                round.outstanding.computeIfPresent(stream, (s, n) -> n + 1);
            }
        }
    }

    /** An ACK or NACK; returns the round's start when this answer completed it. */
    public java.util.OptionalLong answered(long stream) {
        synchronized (lock) {
            if (round == null || !round.outstanding.containsKey(stream)) {
                return java.util.OptionalLong.empty();
            }
            int sent = round.outstanding.get(stream);
            if (sent == 0) {
                return java.util.OptionalLong.empty();
            }
            int left = sent - 1;
            if (left <= 0) {
                round.outstanding.remove(stream);
            } else {
                round.outstanding.put(stream, left);
            }
            if (round.outstanding.isEmpty()) {
                long start = round.startNanos;
                round = null;
                return java.util.OptionalLong.of(start);
            }
            return java.util.OptionalLong.empty();
        }
    }

    public int size() {
        return proxies.size();
    }
}
