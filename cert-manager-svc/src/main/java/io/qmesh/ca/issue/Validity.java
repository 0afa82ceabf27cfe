package io.qmesh.ca.issue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The validity window of an issued certificate: the requested lifetime bounded by policy, starting
 * a little in the past so that peers whose clocks run behind accept it at once.
 */
public record Validity(Instant notBefore, Instant notAfter) {

    /** How far notBefore is backdated for clock skew. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    public Validity {
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
    }

    /**
     * @param requested the caller's requested lifetime; null or zero means {@code policyMax}
     * @param policyMax the longest lifetime policy allows (MeshConfig serviceCertValidityDuration)
     * @throws IllegalArgumentException when the request is negative
     */
    public static Validity bounded(Duration requested, Duration policyMax, Clock clock) {
        if (requested != null && requested.isNegative()) {
            throw new IllegalArgumentException("requested ttl " + requested + " is negative");
        }
        Duration lifetime = requested == null || requested.isZero() || requested.compareTo(policyMax) > 0
                ? policyMax : requested;
        Instant now = clock.instant();
        return new Validity(now.minus(CLOCK_SKEW), now.plus(lifetime));
    }

    /** The lifetime that counts for renewal: from now (not from the backdated start) to notAfter. */
    public Duration remaining(Clock clock) {
        return Duration.between(clock.instant(), notAfter);
    }
}
