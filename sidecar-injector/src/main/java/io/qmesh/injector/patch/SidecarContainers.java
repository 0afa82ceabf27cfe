package io.qmesh.injector.patch;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;

/** The containers and the volume an injected pod gets. */
public final class SidecarContainers {

    public static final String INIT_NAME = "qmesh-init";
    public static final String ENVOY_NAME = "envoy";
    public static final String BOOTSTRAP_VOLUME = "qmesh-bootstrap";
    public static final String RULES_ENV = "QMESH_IPTABLES_RULES";

    private SidecarContainers() {
    }

    /** {@code qmesh-init}: applies the rendered rules with iptables-restore; needs NET_ADMIN (and NET_RAW). */
    public static Container init(SidecarSettings settings, String rules) {
        return new ContainerBuilder()
                .withName(INIT_NAME)
                .withImage(settings.initImage())
                .withCommand("/bin/sh", "-c", "printf '%s' \"$" + RULES_ENV + "\" | iptables-restore --noflush")
                .addNewEnv().withName(RULES_ENV).withValue(rules).endEnv()
                .withNewSecurityContext()
                    .withRunAsUser(0L).withRunAsNonRoot(false).withPrivileged(false)
                    .withNewCapabilities().addToAdd("NET_ADMIN", "NET_RAW").addToDrop("ALL").endCapabilities()
                .endSecurityContext()
                .build();
    }

    /**
     * The Envoy sidecar, UID 1500, reading its bootstrap from the Secret volume. Readiness and
     * startup come from Envoy's admin {@code /ready}, served on the stats port (the admin listens on
     * loopback only). As a native sidecar it gets {@code restartPolicy: Always}.
     */
    public static Container envoy(SidecarSettings settings, boolean nativeSidecar) {
        Probe ready = new ProbeBuilder().withNewHttpGet().withPath("/ready")
                .withNewPort(EnvoyBootstrap.STATS_PORT).withScheme("HTTP").endHttpGet()
                .withPeriodSeconds(1).withFailureThreshold(3).withTimeoutSeconds(1).build();
        Probe startup = new ProbeBuilder(ready).withPeriodSeconds(1).withFailureThreshold(120).build();
        ContainerBuilder b = new ContainerBuilder()
                .withName(ENVOY_NAME)
                .withImage(settings.envoyImage())
                .withArgs("--config-path", SidecarSettings.CERT_DIRECTORY + "/bootstrap.yaml",
                        "--log-level", settings.logLevel())
                .addNewPort().withName("proxy-metrics").withContainerPort(EnvoyBootstrap.STATS_PORT)
                    .withProtocol("TCP").endPort()
                .withReadinessProbe(ready)
                .withStartupProbe(startup)
                .addNewVolumeMount().withName(BOOTSTRAP_VOLUME).withMountPath(SidecarSettings.CERT_DIRECTORY)
                    .withReadOnly(true).endVolumeMount()
                .withNewSecurityContext()
                    .withRunAsUser((long) IptablesScript.ENVOY_UID).withRunAsGroup((long) IptablesScript.ENVOY_UID)
                    .withRunAsNonRoot(true).withAllowPrivilegeEscalation(false)
                    .withNewCapabilities().addToDrop("ALL").endCapabilities()
                .endSecurityContext();
        if (settings.resources() != null) {
            b.withResources(settings.resources());
        }
        if (nativeSidecar) {
            b.withRestartPolicy("Always");
        }
        return b.build();
    }

    public static Volume bootstrapVolume(String secretName) {
        return new VolumeBuilder().withName(BOOTSTRAP_VOLUME)
                .withNewSecret().withSecretName(secretName).endSecret().build();
    }
}
