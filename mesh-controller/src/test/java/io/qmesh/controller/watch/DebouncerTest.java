package io.qmesh.controller.watch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DebouncerTest {

    static final long MS = 1_000_000L;
    static final long QUIET = 100 * MS;
    static final long MAX = 1000 * MS;

    @Test
    void deadline_singleEvent_firesQuietPeriodLater() {
        assertThat(Debouncer.deadline(0, 0, QUIET, MAX)).isEqualTo(100 * MS);
    }

    @Test
    void deadline_eventsKeepComing_movesWithTheLastEvent() {
        assertThat(Debouncer.deadline(0, 450 * MS, QUIET, MAX)).isEqualTo(550 * MS);
    }

    @Test
    void deadline_endlessBurst_firesAtMostMaxAfterTheFirstEvent() {
        assertThat(Debouncer.deadline(0, 990 * MS, QUIET, MAX)).isEqualTo(1000 * MS);
        assertThat(Debouncer.deadline(0, 5000 * MS, QUIET, MAX)).isEqualTo(1000 * MS);
    }
}
