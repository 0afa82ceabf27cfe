package io.qmesh.xds.debug;

import java.util.List;
import java.util.Map;

/**
 * The JSON documents of the debug endpoints, as records (Jackson writes their components in order).
 * Maps keep their insertion order: xDS kinds as {@link XdsKind} lists them. Times are ISO-8601 UTC strings.
 */
final class DebugViews {

    private DebugViews() {
    }

    /**
     * {@code GET /debug/xds/status}. {@code policyVersion} is null until the first MeshPolicy arrives;
     * {@code staleGroups} are the groups whose proxies keep an earlier configuration because the held
     * policy's could not be generated ({@code reason} generate) or was inconsistent.
     */
    record Status(String policyVersion, int groups, List<StaleGroup> staleGroups, int connectedProxies,
            Map<String, Integer> streams, Nacks nacks) {
    }

    record StaleGroup(String group, String reason, String cause) {
    }

    /** NACKs received in the last {@code windowMinutes}: counts by kind, and the newest ten. */
    record Nacks(int windowMinutes, int total, Map<String, Integer> byType, List<Nack> recent) {
    }

    /** A rejected response: its version (null when its nonce was no longer known), gRPC code and Envoy's message. */
    record Nack(String at, String proxy, String group, String type, String version, String nonce, String code,
            String message) {
    }

    /** {@code GET /debug/xds/proxies}. */
    record Proxies(String policyVersion, List<Proxy> proxies) {
    }

    /**
     * One connected proxy (one ADS stream).
     *
     * @param kind {@code envoy} or {@code proxyless}
     * @param stream {@code sotw} or {@code delta}
     * @param types every xDS kind, by {@link XdsKind#key()}
     */
    record Proxy(String proxy, String group, String kind, String stream, String connectedAt, Map<String, TypeStatus> types) {
    }

    /**
     * One xDS kind on one stream.
     *
     * @param state {@link ProxyStates#SYNCED}, {@link ProxyStates#STALE}, {@link ProxyStates#NACKED} or {@link ProxyStates#NOT_SENT}
     * @param acked the version the proxy last ACKed (null: none yet)
     * @param latest the version this stream would be sent now (null: the group has no snapshot)
     * @param sent the version last sent (null: nothing sent yet)
     * @param lastNack the last response of this kind the proxy rejected on this stream, or null
     */
    record TypeStatus(String state, String acked, String latest, String sent, Nack lastNack) {
    }
}
