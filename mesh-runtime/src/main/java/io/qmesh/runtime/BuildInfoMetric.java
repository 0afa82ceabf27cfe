package io.qmesh.runtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code qmesh_build_info{service,version} 1}: which build of which service is running. */
@ApplicationScoped
public class BuildInfoMetric {

    public static final String NAME = "qmesh_build_info";

    void register(@Observes StartupEvent start, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.application.name") String service,
            @ConfigProperty(name = "quarkus.application.version") String version) {
        Gauge.builder(NAME, () -> 1)
                .description("Build of the running qmesh service; always 1")
                .tag("service", service)
                .tag("version", version)
                .register(registry);
    }
}
