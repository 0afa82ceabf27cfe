package io.qmesh.xds.serve;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.controlplane.server.serializer.ProtoResourcesSerializer;
import java.util.concurrent.ExecutionException;

/**
 * java-control-plane's resource serializer, caching each resource's {@link Any} by the identity of
 * the resource: snapshots hold the very instances they were built with (and unchanged or shared
 * resources keep their instance across policies), so a resource sent to every stream of its group is
 * packed once. java-control-plane's own cached serializer looks resources up by value, which computes
 * a deep hash of every new resource before it can find it. Values are weak: an {@code Any} is kept
 * only while a response still holds it, so the cache adds no heap of its own.
 */
final class PackedResources implements ProtoResourcesSerializer {

    private final Cache<Message, Any> packed = CacheBuilder.newBuilder().weakKeys().weakValues().build();

    @Override
    public Any serialize(Message resource, ApiVersion apiVersion) {
        try {
            return packed.get(resource, () -> Any.pack(resource));
        } catch (ExecutionException e) {
            throw new IllegalStateException("packing " + resource.getDescriptorForType().getFullName(), e.getCause());
        }
    }
}
