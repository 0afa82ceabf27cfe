package io.qmesh.ca.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

    @Test
    void goDurations_parseAsKubectlUsersWriteThem() {
        assertThat(GoDuration.parse("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void notADuration_isRefusedSayingWhatIsExpected() {
        assertThatThrownBy(() -> GoDuration.parse("1d")).hasMessageContaining("'1d' is not a duration like 24h");
    }
}
