package io.qmesh.xds.serve;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a resource {@link TestAdsClient} holds makes it ask for, as Envoy would: a cluster its
 * endpoints, a listener its route configurations, either the SDS secrets its TLS contexts name.
 */
record TestAdsClientRefs(Set<String> wanted, Set<String> secrets) {

    static final TestAdsClientRefs NONE = new TestAdsClientRefs(Set.of(), Set.of());

    /**
     * What has been read from each resource version (delta ADS versions are content hashes): the
     * benchmark's thousands of clients ({@link SimulatedEnvoys}, one JVM) parse each version once, not
     * once each, so that their CPU weighs less on the cores they share with the server.
     */
    private static final Map<String, TestAdsClientRefs> BY_VERSION = new ConcurrentHashMap<>();

    /** The references of a resource version, read once for every client in this JVM. */
    static TestAdsClientRefs shared(String typeUrl, String name, String version, Any resource)
            throws InvalidProtocolBufferException {
        String key = typeUrl + '\n' + name + '\n' + version;
        TestAdsClientRefs refs = BY_VERSION.get(key);
        if (refs == null) {
            refs = of(typeUrl, resource);
            BY_VERSION.put(key, refs);
        }
        return refs;
    }

    static TestAdsClientRefs of(String typeUrl, Any resource) throws InvalidProtocolBufferException {
        Set<String> wanted = new TreeSet<>();
        Set<String> secrets = new TreeSet<>();
        if (typeUrl.equals(TestAdsClient.CDS)) {
            Cluster c = Cluster.parseFrom(resource.getValue());
            if (c.getType() == Cluster.DiscoveryType.EDS) {
                wanted.add(c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName()
                        : c.getEdsClusterConfig().getServiceName());
            }
            if (c.hasTransportSocket() && is(c.getTransportSocket().getTypedConfig(), UpstreamTlsContext.getDescriptor())) {
                secrets.addAll(secretNames(UpstreamTlsContext.parseFrom(c.getTransportSocket().getTypedConfig().getValue())
                        .getCommonTlsContext()));
            }
        } else if (typeUrl.equals(TestAdsClient.LDS)) {
            for (FilterChain chain : Listener.parseFrom(resource.getValue()).getFilterChainsList()) {
                if (chain.hasTransportSocket() && is(chain.getTransportSocket().getTypedConfig(), DownstreamTlsContext.getDescriptor())) {
                    secrets.addAll(secretNames(DownstreamTlsContext.parseFrom(chain.getTransportSocket().getTypedConfig().getValue())
                            .getCommonTlsContext()));
                }
                for (Filter f : chain.getFiltersList()) {
                    if (is(f.getTypedConfig(), HttpConnectionManager.getDescriptor())) {
                        HttpConnectionManager hcm = HttpConnectionManager.parseFrom(f.getTypedConfig().getValue());
                        if (hcm.hasRds()) {
                            wanted.add(hcm.getRds().getRouteConfigName());
                        }
                    }
                }
            }
        } else {
            return NONE;
        }
        return new TestAdsClientRefs(Set.copyOf(wanted), Set.copyOf(secrets));
    }

    /** Whether {@code any} holds a {@code type} (compared by URL: {@code Any.is} looks the class up by reflection each time). */
    private static boolean is(Any any, Descriptor type) {
        return any.getTypeUrl().endsWith("/" + type.getFullName());
    }

    private static Set<String> secretNames(CommonTlsContext tls) {
        Set<String> names = new TreeSet<>();
        tls.getTlsCertificateSdsSecretConfigsList().forEach(s -> names.add(s.getName()));
        if (tls.hasValidationContextSdsSecretConfig()) {
            names.add(tls.getValidationContextSdsSecretConfig().getName());
        }
        if (tls.hasCombinedValidationContext() && tls.getCombinedValidationContext().hasValidationContextSdsSecretConfig()) {
            names.add(tls.getCombinedValidationContext().getValidationContextSdsSecretConfig().getName());
        }
        return names;
    }
}
