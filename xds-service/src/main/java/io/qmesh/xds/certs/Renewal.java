package io.qmesh.xds.certs;

import java.time.Duration;
import java.time.Instant;

/**
 * When to renew a certificate: at about two thirds of its lifetime, spread by up to ±5% of the
 * lifetime so a fleet issued together does not renew together, and never after expiry minus a margin.
 */
public final class Renewal {

    static final double JITTER = 0.05;

    private Renewal() {
    }

    /** @param random a uniform number in [0, 1) */
    public static Instant at(Instant notBefore, Instant notAfter, double random) {
        Duration lifetime = Duration.between(notBefore, notAfter);
        long millis = lifetime.toMillis();
        long jitter = (long) ((random * 2 - 1) * JITTER * millis);
        Instant at = notBefore.plusMillis(millis * 2 / 3 + jitter);
        Instant latest = notAfter.minusMillis(lifetime.toMillis() / 10);
        return at.isAfter(latest) ? latest : at;
    }
}
