package io.qmesh.ca.issue;

import java.util.Locale;
import java.util.Objects;

/** Why the CA refuses a request: data, turned into a gRPC status and a metric at the edge. */
public record Refusal(Reason reason, String message) {

    public enum Reason {
        UNAUTHENTICATED,
        PERMISSION_DENIED,
        INVALID_REQUEST,
        MALFORMED_CSR,
        BAD_SIGNATURE,
        WEAK_KEY,
        IDENTITY_MISMATCH,
        SIGNER_UNAVAILABLE;

        /** The {@code reason} label of {@code qmesh_ca_issue_rejected_total}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Refusal {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    public static Refusal of(Reason reason, String message) {
        return new Refusal(reason, message);
    }
}
