package io.qmesh.api.crd;

/** The duration syntax accepted in qmesh resources: Go's, as kubectl users know it ("250ms", "1h30m"). */
public final class Durations {

    /** A schema pattern for duration fields. */
    public static final String PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

    private Durations() {
    }
}
