package io.qmesh.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;

/**
 * House rule 1 (STYLE.md): the pure core — compiler, generators, patch and certificate builders —
 * takes records in and gives records out. It imports no Kubernetes client, no gRPC, no CDI, no
 * Quarkus or Vert.x, and reads neither the system clock nor the environment: those arrive as arguments.
 */
public final class PureCoreRules {

    private static final String[] IO_PACKAGES = {
        "io.fabric8.kubernetes.client..",
        "io.grpc..",
        "jakarta.enterprise..",
        "jakarta.inject..",
        "io.quarkus..",
        "io.vertx..",
        "io.smallrye.mutiny..",
        "io.micrometer..",
    };

    private PureCoreRules() {
    }

    /** The rule for the given pure packages (ArchUnit package syntax, e.g. {@code "io.qmesh.xds.generate.."}). */
    public static ArchRule pureCore(String... packages) {
        return noClasses().that().resideInAnyPackage(packages)
                .should().dependOnClassesThat().resideInAnyPackage(IO_PACKAGES)
                .orShould().callMethod(Instant.class, "now")
                .orShould().callMethod(LocalDateTime.class, "now")
                .orShould().callMethod(OffsetDateTime.class, "now")
                .orShould().callMethod(ZonedDateTime.class, "now")
                .orShould().callMethod(Clock.class, "systemUTC")
                .orShould().callMethod(Clock.class, "systemDefaultZone")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "getenv", String.class)
                .orShould().callMethod(System.class, "getenv")
                .orShould().callMethod(System.class, "getProperty", String.class)
                .because("the pure core takes its inputs (clock, configuration, identity) as arguments "
                        + "and does no I/O; see shared/STYLE.md rule 1");
    }
}
