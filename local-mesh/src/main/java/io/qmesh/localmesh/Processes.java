package io.qmesh.localmesh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The processes local-mesh starts: each with its log in a file of its own, all stopped on
 * {@link #close()} (also from a shutdown hook on Ctrl-C), newest first.
 */
public final class Processes implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Processes.class.getName());

    /** A started process and where its output goes. */
    public record Started(String name, Process process, Path log) {
        public String output() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Path logDir;
    private final List<Started> started = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    public Processes(Path logDir) {
        this.logDir = logDir;
    }

    /** The java launcher of this JVM, so children run on the same JDK. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public Started start(String name, List<String> command, Map<String, String> environment) {
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(environment);
            Started process = new Started(name, builder.start(), log);
            started.add(process);
            LOG.fine(() -> "process=" + name + " pid=" + process.process().pid() + " log=" + log);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + String.join(" ", command), e);
        }
    }

    /** Waits until the process prints a line matching {@code ready}; returns that line. */
    public String awaitOutput(Started process, Predicate<String> ready, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<String> line = process.output().lines().filter(ready).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            failIfExited(process);
            sleep(100);
        }
        throw new IllegalStateException(process.name() + " did not become ready within " + timeout + "; its log " + process.log()
                + " ends with:\n" + tail(process.output()));
    }

    /** Waits until {@code url} answers 200 (e.g. /q/health/ready). */
    public void awaitHttpOk(Started process, String url, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            failIfExited(process);
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + process.name(), e);
            }
            sleep(200);
        }
        throw new IllegalStateException(process.name() + " not ready at " + url + " within " + timeout + " (last answer: "
                + last + "); its log " + process.log() + " ends with:\n" + tail(process.output()));
    }

    /** Stops one process (SIGTERM, then SIGKILL after 10 s). */
    public void stop(Started process) {
        process.process().destroy();
        try {
            if (!process.process().waitFor(10, TimeUnit.SECONDS)) {
                process.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.process().destroyForcibly();
        }
        started.remove(process);
    }

    @Override
    public void close() {
        List<Started> all;
        synchronized (started) {
            all = new ArrayList<>(started);
        }
        Collections.reverse(all);
        all.forEach(this::stop);
    }

    private static void failIfExited(Started process) {
        if (!process.process().isAlive()) {
            throw new IllegalStateException(process.name() + " exited with " + process.process().exitValue()
                    + "; its log " + process.log() + " ends with:\n" + tail(process.output()));
        }
    }

    static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
