package io.qmesh.controller.watch;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs an action once a burst of triggers is over: {@code quiet} after the last trigger, but no
 * later than {@code max} after the first. A trigger during the action schedules another run, so the
 * last event is never dropped. The action runs on the given (single-threaded) executor.
 */
public final class Debouncer {

    private final ScheduledExecutorService executor;
    private final Runnable action;
    private final long quietNanos;
    private final long maxNanos;
    private final LongSupplier nanoClock;
    private long firstTrigger = -1;
    private ScheduledFuture<?> scheduled;

    public Debouncer(ScheduledExecutorService executor, Runnable action, Duration quiet, Duration max, LongSupplier nanoClock) {
        this.executor = executor;
        this.action = action;
        this.quietNanos = quiet.toNanos();
        this.maxNanos = max.toNanos();
        this.nanoClock = nanoClock;
    }

    /** When a burst that started at {@code first} and last saw an event at {@code last} fires. */
    public static long deadline(long first, long last, long quietNanos, long maxNanos) {
        return Math.min(last + quietNanos, first + maxNanos);
    }

    public synchronized void trigger() {
        long now = nanoClock.getAsLong();
        if (firstTrigger < 0) {
            firstTrigger = now;
        }
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        long delay = Math.max(0, deadline(firstTrigger, now, quietNanos, maxNanos) - now);
        scheduled = executor.schedule(this::fire, delay, TimeUnit.NANOSECONDS);
    }

    private void fire() {
        synchronized (this) {
            firstTrigger = -1;
            scheduled = null;
        }
        action.run();
    }
}
