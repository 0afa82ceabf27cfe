package io.qmesh.injector.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.extensions.filters.http.health_check.v3.HealthCheck;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated bootstrap parses, field by field, into Envoy's own Bootstrap proto (unknown fields fail). */
class EnvoyBootstrapProtoTest {

    private static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
            .add(List.of(HttpConnectionManager.getDescriptor(), Router.getDescriptor(), HealthCheck.getDescriptor(),
                    UpstreamTlsContext.getDescriptor(), HttpProtocolOptions.getDescriptor(), Secret.getDescriptor()))
            .build();

    static Bootstrap parse(String yaml) throws Exception {
        String json = new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(yaml));
        Bootstrap.Builder b = Bootstrap.newBuilder();
        JsonFormat.parser().usingTypeRegistry(TYPES).merge(json, b);
        return b.build();
    }

    @Test
    void bootstrapWithEveryProbeKind_parsesAsEnvoyBootstrap_withNodeOnEveryRequest() throws Exception {
        PodInjector.Inject inject = (PodInjector.Inject) PodFixtures.admit("with-probes");
        Bootstrap bootstrap = parse(EnvoyBootstrap.yaml(inject.bootstrap()));

        assertThat(bootstrap.getNode().getId()).isEqualTo(PodFixtures.UUID + ".bookbuyer.bookbuyer");
        assertThat(bootstrap.getNode().getMetadata().getFieldsMap().get("pod_uid").getStringValue())
                .isEqualTo("3e1c1c39-8a55-4cf2-b6a4-7b2b9f0d6a11");
        assertThat(bootstrap.getDynamicResources().getAdsConfig().getSetNodeOnFirstMessageOnly()).isFalse();
        assertThat(bootstrap.getAdmin().getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
        assertThat(bootstrap.getStaticResources().getListenersList()).extracting(l -> l.getAddress().getSocketAddress().getPortValue())
                .containsExactly(15010, 15901, 15902, 15903, 15904);
        var xds = bootstrap.getStaticResources().getClustersList().stream()
                .filter(c -> c.getName().equals(EnvoyBootstrap.XDS_CLUSTER)).findFirst().orElseThrow();
        assertThat(xds.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
                .getSocketAddress().getPortValue()).isEqualTo(15128);
        UpstreamTlsContext tls = xds.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
        assertThat(tls.getSni()).isEqualTo("xds-service.qmesh-system.svc");
        var validation = tls.getCommonTlsContext().getCombinedValidationContext();
        var san = validation.getDefaultValidationContext().getMatchTypedSubjectAltNames(0);
        assertThat(san.getSanType().name()).as("only xds-service's serving certificate is accepted").isEqualTo("DNS");
        assertThat(san.getMatcher().getExact()).isEqualTo("xds-service.qmesh-system.svc");

        // certificate and trust bundle come from SDS files of the mounted Secret, reloaded when Kubernetes swaps them
        SdsSecretConfig certificate = tls.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0);
        SdsSecretConfig trust = validation.getValidationContextSdsSecretConfig();
        for (SdsSecretConfig sds : List.of(certificate, trust)) {
            assertThat(sds.getSdsConfig().getPathConfigSource().getWatchedDirectory().getPath()).isEqualTo("/etc/envoy");
        }
        Map<String, String> files = EnvoyBootstrap.sdsFiles(inject.bootstrap());
        assertThat(certificate.getSdsConfig().getPathConfigSource().getPath())
                .isEqualTo("/etc/envoy/" + EnvoyBootstrap.SDS_CERTIFICATE_FILE);
        Secret tlsCertificate = sdsSecret(files.get(EnvoyBootstrap.SDS_CERTIFICATE_FILE));
        assertThat(tlsCertificate.getName()).isEqualTo(certificate.getName());
        assertThat(tlsCertificate.getTlsCertificate().getCertificateChain().getFilename()).isEqualTo("/etc/envoy/tls.crt");
        assertThat(tlsCertificate.getTlsCertificate().getPrivateKey().getFilename()).isEqualTo("/etc/envoy/tls.key");
        assertThat(trust.getSdsConfig().getPathConfigSource().getPath()).isEqualTo("/etc/envoy/" + EnvoyBootstrap.SDS_TRUST_FILE);
        Secret trustBundle = sdsSecret(files.get(EnvoyBootstrap.SDS_TRUST_FILE));
        assertThat(trustBundle.getName()).isEqualTo(trust.getName());
        assertThat(trustBundle.getValidationContext().getTrustedCa().getFilename()).isEqualTo("/etc/envoy/ca.crt");
    }

    /** An SDS file as Envoy reads it: a DiscoveryResponse holding one Secret. */
    private static Secret sdsSecret(String yaml) throws Exception {
        String json = new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(yaml));
        DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder();
        JsonFormat.parser().usingTypeRegistry(TYPES).merge(json, response);
        assertThat(response.getResourcesCount()).isEqualTo(1);
        return response.getResources(0).unpack(Secret.class);
    }

    @Test
    void everyGoldenBootstrap_parsesAsEnvoyBootstrap() throws Exception {
        for (String name : PodFixtures.CASES.keySet()) {
            if (PodFixtures.admit(name) instanceof PodInjector.Inject inject) {
                assertThat(parse(EnvoyBootstrap.yaml(inject.bootstrap())).getNode().getId()).startsWith(PodFixtures.UUID);
            }
        }
    }
}
