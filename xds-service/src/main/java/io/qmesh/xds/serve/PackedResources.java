package io.qmesh.xds.serve;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.ExecutorGroup;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.controlplane.server.serializer.ProtoResourcesSerializer;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * What is sent of a resource, made once per resource instead of once per stream. Snapshots hold the
 * very instances they were built with (and unchanged or shared resources keep their instance across
 * policies), so a resource sent to every stream of its group is:
 * <ul>
 *   <li>packed into its {@link Any} once ({@link #serialize}; java-control-plane's own cached serializer
 *       looks resources up by value, which computes a deep hash of every new resource first);</li>
 *   <li>wrapped into its delta {@link Resource} once ({@link #server}), with name and version as UTF-8
 *       bytes, so no stream encodes them again or recomputes the message's size.</li>
 * </ul>
 * Entries are weak: one lives only while a snapshot or a response still holds its resource, so the
 * caches add next to no heap of their own.
 */
final class PackedResources implements ProtoResourcesSerializer {

    private final Cache<Message, Any> packed = CacheBuilder.newBuilder().weakKeys().weakValues().build();
    /** Strong values that hold their resource weakly: the resource holds its key, which must stay collectable. */
    private final Cache<Any, Wrapped> wrapped = CacheBuilder.newBuilder().weakKeys().build();

    /**
     * A delta resource and the strings it was made from: asking the resource for its name would turn
     * the stored bytes back into a string, which protobuf then encodes again on every write.
     */
    private record Wrapped(String name, String version, WeakReference<Resource> resource) {
        static Resource wrap(String name, String version, Any resource) {
            return Resource.newBuilder().setNameBytes(ByteString.copyFromUtf8(name))
                    .setVersionBytes(ByteString.copyFromUtf8(version)).setResource(resource).build();
        }
    }

    @Override
    public Any serialize(Message resource, ApiVersion apiVersion) {
        try {
            return packed.get(resource, () -> Any.pack(resource));
        } catch (ExecutionException e) {
            throw new IllegalStateException("packing " + resource.getDescriptorForType().getFullName(), e.getCause());
        }
    }

    /** java-control-plane's v3 server, sending this cache's delta resources. */
    V3DiscoveryServer server(List<DiscoveryServerCallbacks> callbacks, ConfigWatcher cache, ExecutorGroup executors) {
        return new V3DiscoveryServer(callbacks, cache, executors, this) {
            @Override
            protected Resource makeResource(String name, String version, Any resource) {
                return wrapped(name, version, resource);
            }
        };
    }

    Resource wrapped(String name, String version, Any resource) {
        Wrapped made = wrapped.getIfPresent(resource);
        Resource sent = made == null ? null : made.resource().get();
        // an Any is one resource of one snapshot, so its name and version do not change; checked, not trusted
        if (sent == null || !made.name().equals(name) || !made.version().equals(version)) {
            sent = Wrapped.wrap(name, version, resource);
            wrapped.put(resource, new Wrapped(name, version, new WeakReference<>(sent)));
        }
        return sent;
    }
}
