package io.qmesh.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import io.qmesh.testing.fixture.ReadsTheClock;
import io.qmesh.testing.fixture.TakesTheClock;
import org.junit.jupiter.api.Test;

class PureCoreRulesTest {

    private final JavaClasses fixtures = new ClassFileImporter().importClasses(ReadsTheClock.class, TakesTheClock.class);

    @Test
    void pureCore_classReadingSystemClock_isReportedByName() {
        EvaluationResult result = PureCoreRules.pureCore("io.qmesh.testing.fixture..").evaluate(fixtures);

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anySatisfy(line -> assertThat(line).contains("ReadsTheClock").contains("Instant.now()"))
                .noneSatisfy(line -> assertThat(line).contains("TakesTheClock"));
    }
}
