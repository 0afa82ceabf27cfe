package io.qmesh.xds.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RenewalTest {

    static final Instant ISSUED = Instant.parse("2026-11-29T00:00:00Z");
    static final Instant EXPIRES = ISSUED.plus(Duration.ofHours(24));

    @Test
    void renewal_fallsAtTwoThirdsOfTheLifetimeWithinFivePercentJitter() {
        assertThat(Renewal.at(ISSUED, EXPIRES, 0.5)).isEqualTo(ISSUED.plus(Duration.ofHours(16)));
        assertThat(Renewal.at(ISSUED, EXPIRES, 0.0)).isEqualTo(ISSUED.plus(Duration.ofMinutes(16 * 60 - 72)));
        assertThat(Renewal.at(ISSUED, EXPIRES, 0.999999)).isBefore(ISSUED.plus(Duration.ofMinutes(16 * 60 + 72)))
                .isAfter(ISSUED.plus(Duration.ofHours(17)));
    }

    @Test
    void renewal_isAlwaysBeforeExpiry() {
        assertThat(Renewal.at(ISSUED, EXPIRES, 0.999999)).isBefore(EXPIRES.minus(Duration.ofHours(2)));
    }
}
