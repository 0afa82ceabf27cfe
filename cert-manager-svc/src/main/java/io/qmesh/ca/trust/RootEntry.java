package io.qmesh.ca.trust;

import io.qmesh.ca.issue.Serials;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * One mesh root and where it stands in rotation.
 *
 * @param since when it entered its state
 * @param trustedUntil RETIRING only: when every leaf it signed has expired and it may leave the bundle
 */
public record RootEntry(X509Certificate certificate, PrivateKey key, State state, Instant since, Instant trustedUntil) {

    public enum State {
        /** Phase 1 of a rotation: trusted by everyone, not yet signing. */
        PENDING,
        /** Signs every new leaf. */
        ISSUING,
        /** Phase 2: no longer signs; trusted until its last leaf expires. */
        RETIRING
    }

    public RootEntry {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        if (state == State.RETIRING) {
            Objects.requireNonNull(trustedUntil, "trustedUntil of a RETIRING root");
        }
    }

    public static RootEntry issuing(X509Certificate certificate, PrivateKey key, Instant since) {
        return new RootEntry(certificate, key, State.ISSUING, since, null);
    }

    public String serialHex() {
        return Serials.hex(certificate.getSerialNumber());
    }

    RootEntry withState(State next, Instant at, Instant until) {
        return new RootEntry(certificate, key, next, at, until);
    }
}
