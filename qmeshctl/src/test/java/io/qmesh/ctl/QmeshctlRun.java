package io.qmesh.ctl;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;
import picocli.CommandLine;

/** One qmeshctl invocation as a user sees it: exit code, stdout, stderr. */
record QmeshctlRun(int exitCode, String out, String err) {

    static QmeshctlRun run(Supplier<KubernetesClient> clients, String... args) {
        return run(clients, java.time.Clock.systemUTC(), args);
    }

    static QmeshctlRun run(Supplier<KubernetesClient> clients, java.time.Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Qmeshctl.commandLine(clients, clock);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        return new QmeshctlRun(exit, out.toString(), err.toString());
    }
}
