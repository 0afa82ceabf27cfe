package io.qmesh.xds.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import org.junit.jupiter.api.Test;

class PackedResourcesTest {

    private final PackedResources packed = new PackedResources();
    private final Cluster cluster = Cluster.newBuilder().setName("bookstore/bookstore|14001").build();

    @Test
    void aResourceIsPackedOnceAndEveryStreamGetsTheSameBytes() {
        Any any = packed.serialize(cluster, ApiVersion.V3);

        assertThat(packed.serialize(cluster, ApiVersion.V3)).isSameAs(any);
        Resource first = packed.wrapped(cluster.getName(), "v1", any);
        assertThat(packed.wrapped(cluster.getName(), "v1", any)).isSameAs(first);
        // what java-control-plane itself would have sent
        assertThat(first.toByteString()).isEqualTo(Resource.newBuilder().setName(cluster.getName()).setVersion("v1")
                .setResource(Any.pack(cluster)).build().toByteString());
    }

    @Test
    void anEqualResourceOfAnotherSnapshotIsPackedToEqualBytes() {
        Cluster equal = cluster.toBuilder().build();

        assertThat(packed.serialize(equal, ApiVersion.V3)).isEqualTo(packed.serialize(cluster, ApiVersion.V3));
    }

    @Test
    void anotherNameOrVersionForTheSameResourceIsSentAsAsked() {
        Any any = packed.serialize(cluster, ApiVersion.V3);
        packed.wrapped(cluster.getName(), "v1", any);

        Resource renamed = packed.wrapped("other", "v1", any);
        Resource reversioned = packed.wrapped(cluster.getName(), "v2", any);

        assertThat(renamed.getName()).isEqualTo("other");
        assertThat(reversioned.getVersion()).isEqualTo("v2");
        assertThat(reversioned.getResource()).isSameAs(any);
    }
}
