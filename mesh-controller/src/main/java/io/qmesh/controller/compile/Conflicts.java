package io.qmesh.controller.compile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Objects;

/** When several resources claim the same thing, the oldest wins; ties go to the namespace and name that sort first. */
final class Conflicts {

    static final Comparator<HasMetadata> OLDEST_FIRST = Comparator
            .comparing((HasMetadata o) -> created(o.getMetadata().getCreationTimestamp()))
            .thenComparing(o -> Objects.toString(o.getMetadata().getNamespace(), ""))
            .thenComparing(o -> o.getMetadata().getName());

    private Conflicts() {
    }

    static Problem lostTo(HasMetadata winner, String field, String what) {
        return new Problem(field, "Conflict", field + ": " + what + " is already claimed by "
                + winner.getKind() + " " + winner.getMetadata().getNamespace() + "/" + winner.getMetadata().getName()
                + ", which is older; this one is ignored");
    }

    /** Objects without a creation timestamp (not yet stored) count as newest. */
    private static OffsetDateTime created(String timestamp) {
        if (timestamp == null) {
            return OffsetDateTime.MAX;
        }
        try {
            return OffsetDateTime.parse(timestamp);
        } catch (DateTimeParseException e) {
            return OffsetDateTime.MAX;
        }
    }
}
