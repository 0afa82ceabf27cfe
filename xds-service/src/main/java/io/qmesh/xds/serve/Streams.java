package io.qmesh.xds.serve;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * Open ADS streams: which proxy and group each belongs to, and convergence of the current round
 * (streams of the groups a policy changed, each waiting for the ACKs of the responses it was sent).
 */
public final class Streams {

    /** A stream's proxy, as admitted. */
    public record Proxy(String nodeId, String group) {
    }

    private static final int MAX_ROUNDS = 64;

    private final Map<Long, Proxy> proxies = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Unfinished rounds, oldest first; bounded, so proxies that never ACK cannot grow it. */
    private final Deque<Round> rounds = new ArrayDeque<>();
    private final StreamLedger ledger;
    private volatile LongConsumer converged = nanos -> { };

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

    /** Called with the duration of each completed convergence round. */
    public void onConverged(LongConsumer listener) {
        this.converged = listener;
    }

    /**
     * One policy update's convergence: the streams of the groups it changed; those among them that
     * are sent something while it runs, with how many answers each still owes. It completes once it
     * is armed (everything the update queued has been sent) and no stream owes an answer; streams
     * that were sent nothing (their own resources did not change) are not waited for.
     */
    public static final class Round {
        final long startNanos;
        final Set<Long> candidates;
        final Map<Long, Integer> outstanding = new HashMap<>();
        boolean armed;
        boolean anySent;

        Round(long startNanos, Set<Long> candidates) {
            this.startNanos = startNanos;
            this.candidates = candidates;
        }

        boolean complete() {
            return armed && outstanding.isEmpty();
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
            rounds.forEach(r -> {
                r.candidates.remove(stream);
                r.outstanding.remove(stream);
            });
            finishCompleted();
        }
        return proxies.remove(stream) != null;
    }

    public Set<Long> streamsOf(Set<String> groups) {
        return proxies.entrySet().stream().filter(e -> groups.contains(e.getValue().group()))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /**
     * Starts a convergence round over these groups' streams, before their snapshots are set; rounds
     * overlap when updates come faster than proxies answer. Empty when no stream is affected.
     */
    public Optional<Round> begin(long startNanos, Set<String> groups) {
        Set<Long> streams = streamsOf(groups);
        if (streams.isEmpty()) {
            return Optional.empty();
        }
        Round round = new Round(startNanos, new HashSet<>(streams));
        synchronized (lock) {
            rounds.addLast(round);
            while (rounds.size() > MAX_ROUNDS) {
                rounds.removeFirst();
            }
        }
        return Optional.of(round);
    }

    /** Everything the round's update queued has been sent: from now on it can complete. */
    public void arm(Round round) {
        synchronized (lock) {
            round.armed = true;
            finishCompleted();
        }
    }

    public void sent(long stream) {
        synchronized (lock) {
            for (Round round : rounds) {
                // a round's pushes are those sent before it is armed; later ones belong to later rounds
                if (!round.armed && round.candidates.contains(stream)) {
                    round.outstanding.merge(stream, 1, Integer::sum);
                    round.anySent = true;
                }
            }
        }
    }

    /** An ACK or NACK of a response the stream was sent. */
    public void answered(long stream) {
        synchronized (lock) {
            for (Round round : rounds) {
                round.outstanding.computeIfPresent(stream, (s, owed) -> owed > 1 ? owed - 1 : null);
            }
            finishCompleted();
        }
    }

    private void finishCompleted() {
        long now = System.nanoTime();
        for (var it = rounds.iterator(); it.hasNext();) {
            Round round = it.next();
            if (round.complete()) {
                it.remove();
                if (round.anySent) {
                    converged.accept(now - round.startNanos);
                }
            }
        }
    }

    public int size() {
        return proxies.size();
    }
}
