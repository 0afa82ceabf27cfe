package io.qmesh.ca.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ValidityTest {

    static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final Duration DAY = Duration.ofHours(24);

    @Test
    void bounded_requestWithinPolicy_isGrantedAndBackdated() {
        Validity validity = Validity.bounded(Duration.ofHours(1), DAY, CLOCK);

        assertThat(validity.notBefore()).isEqualTo(NOW.minus(Validity.CLOCK_SKEW));
        assertThat(validity.notAfter()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(validity.remaining(CLOCK)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void bounded_requestAbovePolicyOrUnset_getsPolicyMaximum() {
        assertThat(Validity.bounded(Duration.ofDays(365), DAY, CLOCK).notAfter()).isEqualTo(NOW.plus(DAY));
        assertThat(Validity.bounded(null, DAY, CLOCK).notAfter()).isEqualTo(NOW.plus(DAY));
        assertThat(Validity.bounded(Duration.ZERO, DAY, CLOCK).notAfter()).isEqualTo(NOW.plus(DAY));
    }

    @Test
    void bounded_negativeRequest_isRefusedSayingSo() {
        assertThatThrownBy(() -> Validity.bounded(Duration.ofMinutes(-1), DAY, CLOCK)).hasMessageContaining("negative");
    }
}
