package io.qmesh.ca.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmesh.ca.issue.TestRoots;
import io.qmesh.ca.trust.RootSet.Phase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RootSetTest {

    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    static final TestRoots.Ca OLD = TestRoots.root(Clock.fixed(T0, ZoneOffset.UTC));
    static final TestRoots.Ca NEW = TestRoots.root(Clock.fixed(T0, ZoneOffset.UTC));
    static final RootSet STEADY = RootSet.of(RootEntry.issuing(OLD.certificate(), OLD.keys().getPrivate(), T0));

    @Test
    void rotation_trustsBothThenSwitchesThenDropsOldOnlyAfterItsLeavesExpire() {
        RootSet trusted = STEADY.beginRotation(NEW.certificate(), NEW.keys().getPrivate(), T0.plusSeconds(60));
        assertThat(trusted.phase()).isEqualTo(Phase.NEW_ROOT_TRUSTED);
        assertThat(trusted.issuing().certificate()).isEqualTo(OLD.certificate());
        assertThat(trusted.trusted()).containsExactly(OLD.certificate(), NEW.certificate());

        Instant lastLeaf = T0.plus(Duration.ofHours(25));
        RootSet switched = trusted.switchIssuer(T0.plus(Duration.ofHours(1)), lastLeaf);
        assertThat(switched.phase()).isEqualTo(Phase.OLD_ROOT_RETIRING);
        assertThat(switched.issuing().certificate()).isEqualTo(NEW.certificate());
        assertThat(switched.trusted()).containsExactly(NEW.certificate(), OLD.certificate());

        assertThat(switched.dropExpired(lastLeaf.minusSeconds(1)).trusted()).hasSize(2);
        RootSet done = switched.dropExpired(lastLeaf);
        assertThat(done.phase()).isEqualTo(Phase.STEADY);
        assertThat(done.trusted()).containsExactly(NEW.certificate());
    }

    @Test
    void bundleVersion_changesWithTheRoots_andIsStableForTheSameRoots() {
        RootSet trusted = STEADY.beginRotation(NEW.certificate(), NEW.keys().getPrivate(), T0);

        assertThat(STEADY.version()).isEqualTo(RootSet.of(RootEntry.issuing(OLD.certificate(), OLD.keys().getPrivate(), T0)).version());
        assertThat(trusted.version()).isNotEqualTo(STEADY.version());
    }

    @Test
    void secondRotationDuringOne_isRefused() {
        RootSet trusted = STEADY.beginRotation(NEW.certificate(), NEW.keys().getPrivate(), T0);

        assertThatThrownBy(() -> trusted.beginRotation(NEW.certificate(), NEW.keys().getPrivate(), T0))
                .hasMessageContaining("cannot begin a rotation in phase NEW_ROOT_TRUSTED");
    }

    @Test
    void secretFormat_roundTripsEveryPhase() {
        RootSet switched = STEADY.beginRotation(NEW.certificate(), NEW.keys().getPrivate(), T0)
                .switchIssuer(T0.plusSeconds(3600), T0.plusSeconds(90000));

        RootSet read = RootSecretFormat.read(RootSecretFormat.write(switched), T0);

        assertThat(read.phase()).isEqualTo(Phase.OLD_ROOT_RETIRING);
        assertThat(read.trusted()).isEqualTo(switched.trusted());
        assertThat(read.inState(RootEntry.State.RETIRING).orElseThrow().trustedUntil()).isEqualTo(T0.plusSeconds(90000));
        assertThat(RootSecretFormat.write(read)).isEqualTo(RootSecretFormat.write(switched));
    }

    @Test
    void handMadeTlsSecret_readsAsOneIssuingRoot_andMissingKeyIsNamed() {
        var data = RootSecretFormat.write(STEADY);
        var handMade = java.util.Map.of("tls.crt", data.get("tls.crt"), "tls.key", data.get("tls.key"));

        assertThat(RootSecretFormat.read(handMade, T0).issuing().certificate()).isEqualTo(OLD.certificate());
        assertThatThrownBy(() -> RootSecretFormat.read(java.util.Map.of("tls.crt", data.get("tls.crt")), T0))
                .hasMessageContaining("data.tls.key is missing");
    }
}
