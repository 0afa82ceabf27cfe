package io.qmesh.xds.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.ObjectRef;
import org.junit.jupiter.api.Test;

class ResourceNamesTest {

    static final ObjectRef BOOKSTORE = ObjectRef.newBuilder().setNamespace("bookstore").setName("bookstore-v1").build();

    @Test
    void names_followTheDocumentedScheme() {
        assertThat(ResourceNames.cluster(BOOKSTORE, 14001)).isEqualTo("bookstore/bookstore-v1|14001");
        assertThat(ResourceNames.localCluster(BOOKSTORE, 14001)).isEqualTo("bookstore/bookstore-v1|14001|local");
        assertThat(ResourceNames.outboundRoutes(14001)).isEqualTo("rds-outbound|14001");
        assertThat(ResourceNames.serviceCertificate(Identity.of("bookstore", "bookstore")))
                .isEqualTo("service-cert:bookstore/bookstore");
        assertThat(ResourceNames.trustBundle("cluster.local")).isEqualTo("root-cert:cluster.local");
    }
}
