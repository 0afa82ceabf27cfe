package io.qmesh.controller;

import io.qmesh.controller.compile.CompilerConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** mesh-controller settings ({@code qmesh.*}). */
@ConfigMapping(prefix = "qmesh")
public interface ControllerConfig {

    /** Namespaces labelled {@code qmesh.io/monitored-by=<mesh-name>} are enrolled. */
    @WithDefault("qmesh")
    String meshName();

    @WithDefault("qmesh-system")
    String controlPlaneNamespace();

    @WithDefault("qmesh-mesh-config")
    String meshConfigName();

    @WithDefault("cluster.local")
    String trustDomain();

    @WithDefault("cluster.local")
    String clusterDomain();

    Controller controller();

    interface Controller {
        /** Compile this long after the last Kubernetes event of a burst... */
        @WithDefault("100ms")
        Duration debounceQuiet();

        /** ...but no later than this after its first event. */
        @WithDefault("1s")
        Duration debounceMax();

        /** The Lease that elects the replica writing status conditions. */
        @WithDefault("qmesh-controller")
        String leaseName();

        @WithDefault("15s")
        Duration leaseDuration();

        /** This replica's name in the Lease; defaults to the pod name (HOSTNAME) plus a random suffix. */
        Optional<String> identity();

        /** Whether to take part in leader election at all (and so ever write status). */
        @WithDefault("true")
        boolean statusWrites();
    }

    default CompilerConfig compilerConfig() {
        return new CompilerConfig(meshName(), controlPlaneNamespace(), meshConfigName(), trustDomain(), clusterDomain());
    }
}
