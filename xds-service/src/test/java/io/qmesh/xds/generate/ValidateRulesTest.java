package io.qmesh.xds.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import org.junit.jupiter.api.Test;

class ValidateRulesTest {

    @Test
    void clusterWithEmptyNameAndZeroTimeout_violatesLengthAndDurationRules() {
        Cluster cluster = Cluster.newBuilder().setName("").setConnectTimeout(Duration.newBuilder().setSeconds(0)).build();

        assertThat(ValidateRules.check(cluster, EnvoyYaml.TYPES))
                .anySatisfy(v -> assertThat(v).startsWith("Cluster.connect_timeout: must be greater than"));
    }

    @Test
    void virtualHostWithoutDomains_violatesRepeatedMinItems() {
        RouteConfiguration routes = RouteConfiguration.newBuilder()
                .addVirtualHosts(VirtualHost.newBuilder().setName("bookstore")).build();

        assertThat(ValidateRules.check(routes, EnvoyYaml.TYPES))
                .contains("RouteConfiguration.virtual_hosts[0].domains: at least 1 item(s) required, got 0");
    }

    @Test
    void outlierEjectionAbove100Percent_violatesNumericRange() {
        Cluster cluster = Cluster.newBuilder().setName("c").setOutlierDetection(OutlierDetection.newBuilder()
                .setMaxEjectionPercent(Protos.u32(150))).build();

        assertThat(ValidateRules.check(cluster, EnvoyYaml.TYPES))
                .anySatisfy(v -> assertThat(v).startsWith("Cluster.outlier_detection.max_ejection_percent: value 150 out of range"));
    }

    @Test
    void typedConfigInsideAny_isUnpackedAndChecked() {
        Listener listener = Listener.newBuilder().setName("l").addFilterChains(FilterChain.newBuilder()
                .addFilters(Filter.newBuilder().setName("envoy.filters.network.tcp_proxy")
                        .setTypedConfig(Any.pack(TcpProxy.newBuilder().setCluster("c").build())))).build();

        assertThat(ValidateRules.check(listener, EnvoyYaml.TYPES))
                .contains("Listener.filter_chains[0].filters[0].typed_config<TcpProxy>.stat_prefix: length must be at least 1, got ''");
    }

    @Test
    void requiredOneofUnset_isReported() {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix("x").build();

        assertThat(ValidateRules.check(hcm, EnvoyYaml.TYPES))
                .contains("HttpConnectionManager.route_specifier: one of the oneof fields is required");
    }

    @Test
    void anyOfUnregisteredType_isReported() {
        Filter filter = Filter.newBuilder().setName("x")
                .setTypedConfig(Any.newBuilder().setTypeUrl("type.googleapis.com/not.a.Type")).build();

        assertThat(ValidateRules.check(filter, EnvoyYaml.TYPES)).contains("Filter.typed_config: Any of unknown type type.googleapis.com/not.a.Type");
    }

    @Test
    void validCluster_hasNoViolations() {
        Cluster cluster = Cluster.newBuilder().setName("bookstore/bookstore|14001")
                .setConnectTimeout(Duration.newBuilder().setSeconds(1)).build();

        assertThat(ValidateRules.check(cluster, EnvoyYaml.TYPES)).isEmpty();
    }
}
