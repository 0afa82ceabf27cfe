package io.qmesh.xds.debug;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.xds.serve.StreamLedger;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyStatesTest {

    static final StreamLedger.Nack NACK_OF_V2 = new StreamLedger.Nack(Instant.EPOCH, "ns/pod", "g",
            "type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "v2", "7", 3, "bad route");

    static StreamLedger.TypeState state(String sent, String acked, StreamLedger.Nack nack) {
        return new StreamLedger.TypeState(List.of(), sent, acked, nack);
    }

    @Test
    void ackedLatest_isSynced() {
        assertThat(ProxyStates.status(state("v2", "v2", null), "v2").state()).isEqualTo(ProxyStates.SYNCED);
    }

    @Test
    void sentNotYetAcked_orNotYetSent_isStale() {
        assertThat(ProxyStates.status(state("v2", "v1", null), "v2").state()).isEqualTo(ProxyStates.STALE);
        assertThat(ProxyStates.status(state("v1", "v1", null), "v2").state()).isEqualTo(ProxyStates.STALE);
    }

    @Test
    void lastSentRejected_isNackedWithEnvoysMessage() {
        DebugViews.TypeStatus status = ProxyStates.status(state("v2", "v1", NACK_OF_V2), "v2");

        assertThat(status.state()).isEqualTo(ProxyStates.NACKED);
        assertThat(status.lastNack().type()).isEqualTo("routes");
        assertThat(status.lastNack().code()).isEqualTo("INVALID_ARGUMENT");
        assertThat(status.lastNack().message()).isEqualTo("bad route");
    }

    @Test
    void oldNack_thenNewerVersionAcked_isSyncedAndKeepsTheNack() {
        DebugViews.TypeStatus status = ProxyStates.status(state("v3", "v3", NACK_OF_V2), "v3");

        assertThat(status.state()).isEqualTo(ProxyStates.SYNCED);
        assertThat(status.lastNack().version()).isEqualTo("v2");
    }

    @Test
    void nothingSent_isNotSent() {
        assertThat(ProxyStates.status(null, "v1").state()).isEqualTo(ProxyStates.NOT_SENT);
        assertThat(ProxyStates.status(state(null, null, null), "v1").state()).isEqualTo(ProxyStates.NOT_SENT);
    }
}
