package io.qmesh.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: generated output compared with a committed file. Run the tests with
 * {@code -Dgolden.update=true} (or {@code make golden}) to rewrite the files instead, then read the diff.
 */
public final class GoldenFiles {

    public static final String UPDATE_PROPERTY = "golden.update";

    private GoldenFiles() {
    }

    public static boolean updating() {
        return Boolean.getBoolean(UPDATE_PROPERTY);
    }

    /** Asserts that {@code expected} holds exactly {@code actual}; in update mode writes it. */
    public static void assertMatches(Path expected, String actual) {
        if (updating()) {
            write(expected, actual);
            return;
        }
        assertTrue(Files.exists(expected), () -> "golden file " + expected
                + " is missing; run with -D" + UPDATE_PROPERTY + "=true to create it");
        assertEquals(read(expected), actual, () -> "output differs from golden file " + expected
                + "; if the change is intended run with -D" + UPDATE_PROPERTY + "=true and review the diff");
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
