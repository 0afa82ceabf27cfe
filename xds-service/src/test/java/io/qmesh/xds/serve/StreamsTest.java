package io.qmesh.xds.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Convergence rounds: what qmesh_xds_convergence_seconds observes. */
class StreamsTest {

    private final Streams streams = new Streams();
    private final List<Long> observed = new ArrayList<>();

    StreamsTest() {
        streams.onConverged(observed::add);
        streams.attach(1, new Streams.Proxy("shop/a-1", "a"));
        streams.attach(2, new Streams.Proxy("shop/a-2", "a"));
        streams.attach(3, new Streams.Proxy("shop/b-1", "b"));
    }

    @Test
    void roundCompletesWhenEveryStreamSentSomethingHasAnswered_notWaitingForStreamsSentNothing() {
        Streams.Round round = streams.begin(System.nanoTime(), Set.of("a")).orElseThrow();
        streams.sent(1); // stream 2 watches nothing that changed: it is sent nothing
        streams.arm(round);
        assertThat(observed).isEmpty();

        streams.answered(1);

        assertThat(observed).hasSize(1);
    }

    @Test
    void roundDoesNotCompleteBeforeItsPushesAreOut() {
        Streams.Round round = streams.begin(System.nanoTime(), Set.of("a")).orElseThrow();
        streams.sent(1);
        streams.answered(1);
        assertThat(observed).as("stream 2's push may still be queued").isEmpty();

        streams.sent(2);
        streams.arm(round);
        streams.answered(2);

        assertThat(observed).hasSize(1);
    }

    @Test
    void anUpdateThatChangesNothing_leavesTheRoundInProgress_andOverlappingRoundsAreEachObserved() {
        Streams.Round first = streams.begin(System.nanoTime(), Set.of("a")).orElseThrow();
        streams.sent(1);
        streams.arm(first);
        assertThat(streams.begin(System.nanoTime(), Set.of())).as("no group changed").isEmpty();
        Streams.Round second = streams.begin(System.nanoTime(), Set.of("a", "b")).orElseThrow();
        streams.sent(1);
        streams.sent(3);
        streams.arm(second);

        streams.answered(1);
        assertThat(observed).as("the first round waited only for stream 1's first answer").hasSize(1);
        streams.answered(1);
        streams.answered(3);

        assertThat(observed).hasSize(2);
    }

    @Test
    void aStreamThatCloses_isNoLongerWaitedFor() {
        Streams.Round round = streams.begin(System.nanoTime(), Set.of("a")).orElseThrow();
        streams.sent(1);
        streams.sent(2);
        streams.arm(round);
        streams.answered(1);

        streams.detach(2);

        assertThat(observed).hasSize(1);
    }
}
