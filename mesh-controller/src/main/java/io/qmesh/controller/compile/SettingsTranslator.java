package io.qmesh.controller.compile;

import io.qmesh.api.crd.config.MeshConfig;
import io.qmesh.api.mesh.v1.MeshSettings;
import io.qmesh.api.mesh.v1.Tracing;
import java.util.Optional;

/** MeshConfig → MeshSettings. A bad field falls back to its default and is reported; it never blocks the mesh. */
final class SettingsTranslator {

    static final com.google.protobuf.Duration DEFAULT_CERT_VALIDITY = GoDurations.seconds(24 * 3600);

    private SettingsTranslator() {
    }

    record Result(MeshSettings settings, Problem problem) {
    }

    static Result translate(CompilerConfig config, Optional<MeshConfig> meshConfig) {
        MeshSettings.Builder out = MeshSettings.newBuilder()
                .setMeshName(config.meshName())
                .setTrustDomain(config.trustDomain())
                .setServiceCertValidity(DEFAULT_CERT_VALIDITY);
        if (meshConfig.isEmpty() || meshConfig.get().getSpec() == null) {
            return new Result(out.build(), null);
        }
        MeshConfig.Spec spec = meshConfig.get().getSpec();
        Problem problem = null;
        if (spec.traffic != null) {
            out.setPermissiveTrafficPolicy(Boolean.TRUE.equals(spec.traffic.enablePermissiveTrafficPolicyMode));
            out.setEgressEnabled(Boolean.TRUE.equals(spec.traffic.enableEgress));
        }
        if (spec.certificate != null && spec.certificate.serviceCertValidityDuration != null) {
            var validity = GoDurations.parse(spec.certificate.serviceCertValidityDuration);
            if (validity.isPresent() && (validity.get().getSeconds() > 0 || validity.get().getNanos() > 0)) {
                out.setServiceCertValidity(validity.get());
            } else {
                problem = Problem.invalid("spec.certificate.serviceCertValidityDuration",
                        "'" + spec.certificate.serviceCertValidityDuration + "' is not a positive duration such as 24h; using 24h");
            }
        }
        if (spec.observability != null && spec.observability.tracing != null) {
            MeshConfig.Tracing t = spec.observability.tracing;
            Tracing.Builder tracing = Tracing.newBuilder().setEnabled(Boolean.TRUE.equals(t.enable));
            if ("zipkin".equals(t.protocol)) {
                tracing.setProtocol(Tracing.Protocol.ZIPKIN);
            } else if (t.protocol == null || "otlp".equals(t.protocol)) {
                tracing.setProtocol(Tracing.Protocol.OTLP_GRPC);
            } else if (problem == null) {
                problem = Problem.invalid("spec.observability.tracing.protocol",
                        "'" + t.protocol + "' is not one of otlp, zipkin");
            }
            if (t.address != null) {
                tracing.setAddress(t.address);
            }
            if (t.port != null) {
                tracing.setPort(t.port);
            }
            if (t.endpoint != null) {
                tracing.setEndpoint(t.endpoint);
            }
            if (t.samplingPercentage != null) {
                tracing.setSamplingPercentage(Math.max(0, Math.min(100, t.samplingPercentage)));
            }
            out.setTracing(tracing);
        }
        return new Result(out.build(), problem);
    }
}
