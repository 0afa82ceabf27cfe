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
        Ref store = Ref.of(BOOKSTORE);
        assertThat(ResourceNames.cluster(store, 14001)).isEqualTo(ResourceNames.cluster(BOOKSTORE, 14001));
        assertThat(ResourceNames.outboundTcpChain(store, 3306)).isEqualTo("outbound|bookstore/bookstore-v1|3306");
        assertThat(ResourceNames.inboundChain(store, 14001)).isEqualTo("inbound|bookstore/bookstore-v1|14001");
        assertThat(ResourceNames.egress("api.github.com", 443)).isEqualTo("egress|api.github.com|443");
        assertThat(ResourceNames.rbacPolicy(Ref.of("bookstore", "bookbuyer-access"), "routes/buy"))
                .isEqualTo("bookstore/bookbuyer-access|routes/buy");
    }

    @Test
    void proxyGroupKey_namesIdentityServicesAndPorts() {
        ProxyGroup group = new ProxyGroup(Identity.of("bookstore", "bookstore"),
                java.util.List.of(Ref.of("bookstore", "bookstore-v1"), Ref.of("bookstore", "bookstore")),
                java.util.List.of(14001, 9090, 14001));

        assertThat(group.key()).isEqualTo("bookstore/bookstore[bookstore/bookstore,bookstore/bookstore-v1][9090,14001]");
    }
}
