package io.qmesh.xds.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.qmesh.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamLedgerTest {

    static final String RDS = Resources.V3.ROUTE_TYPE_URL;
    static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;
    static final Node NODE = Node.newBuilder().setId("ns/pod").build();
    static final Status REJECTED = Status.newBuilder().setCode(3).setMessage("bad").build();

    TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
    StreamLedger ledger = new StreamLedger(clock);

    @Test
    void sotw_ackRecordsTheVersion_nackTheRejectedOneAndKeepsTheAcked() {
        ledger.requested(1, NODE, "g", StreamLedger.Protocol.SOTW, EDS, List.of("a", "b"), "", "", null);
        ledger.responded(1, EDS, "0", "v1");
        ledger.requested(1, NODE, "g", StreamLedger.Protocol.SOTW, EDS, List.of("a", "b"), "0", "v1", null);
        ledger.responded(1, EDS, "1", "v2");
        ledger.requested(1, NODE, "g", StreamLedger.Protocol.SOTW, EDS, List.of("a", "b"), "1", "v1", REJECTED);

        StreamLedger.TypeState eds = ledger.streams().get(0).types().get(EDS);
        assertThat(eds.acked()).isEqualTo("v1");
        assertThat(eds.sent()).isEqualTo("v2");
        assertThat(eds.resourceNames()).containsExactly("a", "b");
        assertThat(eds.lastNack().version()).isEqualTo("v2");
        assertThat(eds.lastNack().message()).isEqualTo("bad");
    }

    @Test
    void delta_ackTakesTheVersionSentWithItsNonce_evenAfterANewerResponse() {
        ledger.requested(2, NODE, "g", StreamLedger.Protocol.DELTA, RDS, List.of(), "", "", null);
        ledger.responded(2, RDS, "0", "v1");
        ledger.responded(2, RDS, "1", "v2");
        ledger.requested(2, NODE, "g", StreamLedger.Protocol.DELTA, RDS, List.of(), "0", "", null);

        assertThat(ledger.streams().get(0).types().get(RDS).acked()).isEqualTo("v1");
        assertThat(ledger.streams().get(0).protocol()).isEqualTo(StreamLedger.Protocol.DELTA);
    }

    @Test
    void proxylessNode_isMarked() {
        Node proxyless = NODE.toBuilder().setMetadata(Struct.newBuilder()
                .putFields("proxyless", Value.newBuilder().setStringValue("true").build())).build();

        ledger.requested(3, proxyless, "proxyless|g", StreamLedger.Protocol.SOTW, RDS, List.of(), "", "", null);

        assertThat(ledger.streams().get(0).proxyless()).isTrue();
    }

    @Test
    void nacks_areCountedInTheirWindow_andStreamsForgottenWhenClosed() {
        ledger.requested(4, NODE, "g", StreamLedger.Protocol.DELTA, RDS, List.of(), "", "", null);
        ledger.responded(4, RDS, "0", "v1");
        ledger.requested(4, NODE, "g", StreamLedger.Protocol.DELTA, RDS, List.of(), "0", "", REJECTED);
        clock.advance(Duration.ofMinutes(10));
        ledger.responded(4, RDS, "1", "v2");
        ledger.requested(4, NODE, "g", StreamLedger.Protocol.DELTA, RDS, List.of(), "1", "", REJECTED);

        assertThat(ledger.nacksSince(clock.instant().minus(Duration.ofMinutes(5)))).extracting(StreamLedger.Nack::version).containsExactly("v2");
        assertThat(ledger.nacksSince(clock.instant().minus(Duration.ofMinutes(15)))).hasSize(2);

        ledger.closed(4);

        assertThat(ledger.streams()).isEmpty();
        assertThat(ledger.nacksSince(clock.instant().minus(Duration.ofMinutes(15)))).as("NACKs outlive their stream").hasSize(2);
    }

    @Test
    void requestWithoutNode_isNotAStreamYet() {
        ledger.requested(5, Node.getDefaultInstance(), "", StreamLedger.Protocol.SOTW, RDS, List.of(), "", "", null);

        assertThat(ledger.streams()).isEmpty();
    }
}
