package io.qmesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdentityTest {

    @Test
    void spiffeId_roundTrips() {
        Identity bookbuyer = Identity.of("bookbuyer", "bookbuyer");

        assertThat(bookbuyer.spiffeId("cluster.local")).isEqualTo("spiffe://cluster.local/ns/bookbuyer/sa/bookbuyer");
        assertThat(Identity.fromSpiffeId("spiffe://cluster.local/ns/bookbuyer/sa/bookbuyer", "cluster.local"))
                .isEqualTo(bookbuyer);
    }

    @Test
    void fromSpiffeId_otherTrustDomainOrShape_isRefusedWithTheId() {
        assertThatThrownBy(() -> Identity.fromSpiffeId("spiffe://evil.org/ns/a/sa/b", "cluster.local"))
                .hasMessageContaining("spiffe://evil.org/ns/a/sa/b").hasMessageContaining("cluster.local");
        assertThatThrownBy(() -> Identity.fromSpiffeId("spiffe://cluster.local/ns/a/pod/b", "cluster.local"))
                .hasMessageContaining("<namespace>/sa/<serviceAccount>");
        assertThatThrownBy(() -> Identity.fromSpiffeId("spiffe://cluster.local/ns/a/sa/b/c", "cluster.local"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void identity_nameWithSlash_isRefused() {
        assertThatThrownBy(() -> Identity.of("a/b", "c")).hasMessageContaining("namespace");
    }
}
