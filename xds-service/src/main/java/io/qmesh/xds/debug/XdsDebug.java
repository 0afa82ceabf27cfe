package io.qmesh.xds.debug;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.qmesh.xds.generate.MeshConfigs;
import io.qmesh.xds.policy.PolicyHolder;
import io.qmesh.xds.serve.GroupSnapshot;
import io.qmesh.xds.serve.StreamLedger;
import io.qmesh.xds.serve.XdsServer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the debug endpoints show, read from this replica's state: the MeshPolicy it holds
 * ({@link PolicyHolder}), its groups' snapshots ({@link XdsServer#snapshot}) and what each ADS stream
 * was sent and answered ({@link StreamLedger}). Read-only: nothing here changes what proxies get.
 */
@ApplicationScoped
public class XdsDebug {

    static final int RECENT_NACKS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final XdsServer server;
    private final PolicyHolder holder;

    XdsDebug(XdsServer server, PolicyHolder holder) {
        this.server = server;
        this.holder = holder;
    }

    /** A request the endpoint cannot answer: 400 (bad parameter) or 404 (no such proxy or group), with what to do. */
    static final class DebugException extends RuntimeException {
        final int status;

        DebugException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    DebugViews.Status status(int windowMinutes) {
        StreamLedger ledger = server.streams().ledger();
        List<StreamLedger.StreamView> streams = ledger.streams();
        Map<String, Integer> byProtocol = new LinkedHashMap<>();
        for (StreamLedger.Protocol protocol : StreamLedger.Protocol.values()) {
            byProtocol.put(protocol.name().toLowerCase(java.util.Locale.ROOT),
                    (int) streams.stream().filter(s -> s.protocol() == protocol).count());
        }
        List<StreamLedger.Nack> nacks = ledger.nacksSince(ledger.now().minus(Duration.ofMinutes(windowMinutes)));
        Map<String, Integer> byType = new LinkedHashMap<>();
        for (XdsKind kind : XdsKind.values()) {
            int count = (int) nacks.stream().filter(n -> n.typeUrl().equals(kind.typeUrl())).count();
            if (count > 0) {
                byType.put(kind.key(), count);
            }
        }
        List<DebugViews.Nack> recent = new ArrayList<>();
        for (int i = nacks.size() - 1; i >= 0 && recent.size() < RECENT_NACKS; i--) {
            recent.add(ProxyStates.nack(nacks.get(i)));
        }
        List<DebugViews.StaleGroup> stale = server.staleGroups().stream()
                .map(g -> new DebugViews.StaleGroup(g.group(), g.reason(), g.cause())).toList();
        return new DebugViews.Status(policyVersion(), server.groups().size(), stale, streams.size(), byProtocol,
                new DebugViews.Nacks(windowMinutes, nacks.size(), byType, recent));
    }

    /** Every connected proxy, or only {@code proxy} ({@code <namespace>/<pod>}) when given. */
    DebugViews.Proxies proxies(Optional<String> proxy) {
        List<DebugViews.Proxy> proxies = server.streams().ledger().streams().stream()
                .filter(s -> proxy.isEmpty() || proxy.get().equals(s.node()))
                .map(s -> ProxyStates.proxy(s, server.snapshot(s.group())))
                .toList();
        return new DebugViews.Proxies(policyVersion(), proxies);
    }

    /**
     * The snapshot a connected proxy's group is served (or a group's, by key): per kind its version and
     * resources, secrets redacted.
     */
    Map<String, Object> config(Optional<String> proxy, Optional<String> group, List<XdsKind> kinds) {
        String key;
        String kind;
        if (proxy.isPresent()) {
            List<StreamLedger.StreamView> streams = server.streams().ledger().streams();
            StreamLedger.StreamView stream = streams.stream().filter(s -> s.node().equals(proxy.get())).findFirst()
                    .orElseThrow(() -> new DebugException(404, "proxy " + proxy.get()
                            + " is not connected to this xds-service replica (" + streams.size() + " proxies are; "
                            + "GET /debug/xds/proxies lists them). Another replica may serve it; if none does, "
                            + "check that the pod has its sidecar and that the sidecar reaches xds-service"));
            key = stream.group();
            kind = stream.proxyless() ? "proxyless" : "envoy";
        } else {
            key = group.orElseThrow(() -> new DebugException(400,
                    "name a proxy (?proxy=<namespace>/<pod>) or a group (?group=<key>, see /debug/xds/proxies)"));
            kind = key.startsWith(MeshConfigs.PROXYLESS_PREFIX) ? "proxyless" : "envoy";
        }
        GroupSnapshot snapshot = server.snapshot(key).orElseThrow(() -> new DebugException(404, "group '" + key
                + "' has no configuration on this replica" + (proxy.isPresent()
                        ? " (the proxy is connected, but its pod matched no group of the policy when it connected)"
                        : "; /debug/xds/proxies lists the groups of connected proxies")));
        Map<String, Object> document = new LinkedHashMap<>();
        proxy.ifPresent(p -> document.put("proxy", p));
        document.put("group", key);
        document.put("kind", kind);
        document.put("policyVersion", policyVersion());
        for (XdsKind xds : kinds) {
            document.put(xds.key(), resources(snapshot, xds));
        }
        return document;
    }

    private static Map<String, Object> resources(GroupSnapshot snapshot, XdsKind kind) {
        @SuppressWarnings("unchecked")
        Map<String, VersionedResource<?>> byName = new TreeMap<>(snapshot.versionedResources(kind.resourceType()));
        List<Map<String, Object>> resources = new ArrayList<>();
        byName.forEach((name, versioned) -> {
            Message resource = versioned.resource();
            if (resource instanceof Secret secret) {
                resource = SecretRedaction.redact(secret);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", name);
            entry.put("version", versioned.version());
            entry.put("resource", tree(com.google.protobuf.Any.pack(resource)));
            resources.add(entry);
        });
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("version", snapshot.version(kind.resourceType(), Collections.emptyList()));
        section.put("resources", resources);
        return section;
    }

    private static JsonNode tree(Message message) {
        try {
            return JSON.readTree(EnvoyJson.print(message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String policyVersion() {
        return holder.current().map(PolicyHolder.Held::version).orElse(null);
    }
}
