package io.qmesh.testing;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * Runs {@link PureCoreRules} over a module's main classes. (A plain JUnit call rather than
 * ArchUnit's JUnit 5 engine, which the JUnit 6 platform of the Quarkus BOM does not run.)
 */
public final class PureCoreCheck {

    private PureCoreCheck() {
    }

    /**
     * @param basePackage the module's root package, e.g. {@code io.qmesh.xds}
     * @param purePackages its pure packages in ArchUnit syntax, e.g. {@code io.qmesh.xds.generate..}
     */
    public static void assertPure(String basePackage, String... purePackages) {
        PureCoreRules.pureCore(purePackages).check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(basePackage));
    }
}
