package io.qmesh.xds.debug;

import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.qmesh.xds.serve.StreamLedger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A stream's ACKed versions against the latest its group's snapshot holds. "Latest" is computed the
 * way java-control-plane versions what it sends: for SotW the version of the resource names the
 * stream last asked for, for delta the version of the whole kind.
 */
final class ProxyStates {

    /** The proxy ACKed the latest version. */
    static final String SYNCED = "SYNCED";
    /** Something newer exists than what the proxy ACKed: sent and not answered yet, or not sent yet. */
    static final String STALE = "STALE";
    /** The proxy rejected the last response of this kind and runs on an older version. */
    static final String NACKED = "NACKED";
    /** Nothing of this kind sent on this stream (not subscribed, e.g. SDS for proxyless workloads). */
    static final String NOT_SENT = "NOT SENT";

    private ProxyStates() {
    }

    static DebugViews.Proxy proxy(StreamLedger.StreamView stream, Optional<? extends Snapshot> snapshot) {
        Map<String, DebugViews.TypeStatus> types = new LinkedHashMap<>();
        for (XdsKind kind : XdsKind.values()) {
            StreamLedger.TypeState state = stream.types().get(kind.typeUrl());
            List<String> names = state == null ? List.of() : state.resourceNames();
            String latest = snapshot.map(s -> s.version(kind.resourceType(), names)).orElse(null);
            types.put(kind.key(), status(state, latest));
        }
        return new DebugViews.Proxy(stream.node(), stream.group(), stream.proxyless() ? "proxyless" : "envoy",
                stream.protocol().name().toLowerCase(Locale.ROOT), stream.connectedAt().toString(), types);
    }

    static DebugViews.TypeStatus status(StreamLedger.TypeState state, String latest) {
        if (state == null || state.sent() == null && state.acked() == null) {
            return new DebugViews.TypeStatus(NOT_SENT, null, latest, null, state == null ? null : nack(state.lastNack()));
        }
        String verdict;
        if (latest != null && latest.equals(state.acked())) {
            verdict = SYNCED;
        } else if (state.lastNack() != null && Objects.equals(state.lastNack().version(), state.sent())) {
            verdict = NACKED;
        } else {
            verdict = STALE;
        }
        return new DebugViews.TypeStatus(verdict, state.acked(), latest, state.sent(), nack(state.lastNack()));
    }

    static DebugViews.Nack nack(StreamLedger.Nack nack) {
        if (nack == null) {
            return null;
        }
        return new DebugViews.Nack(nack.at().toString(), nack.node(), nack.group(), kindName(nack.typeUrl()),
                nack.version(), nack.nonce(), io.grpc.Status.fromCodeValue(nack.code()).getCode().name(), nack.message());
    }

    static String kindName(String typeUrl) {
        return XdsKind.ofTypeUrl(typeUrl).map(XdsKind::key).orElse(typeUrl);
    }
}
