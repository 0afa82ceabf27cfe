package io.qmesh.ctl;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * qmeshctl, also {@code kubectl qmesh}. Talks to the cluster through the user's kubeconfig.
 * Exit codes (see {@link ExitCode}): 0 done, 1 denied (policy check), 2 usage, 3 cluster not
 * reachable, 4 not found (namespace, control plane).
 */
@Command(name = "qmeshctl", mixinStandardHelpOptions = true, versionProvider = Qmeshctl.Version.class,
        description = "Operate a qmesh service mesh.",
        subcommands = {NamespaceCommand.class, PolicyCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class Qmeshctl {

    private final Supplier<KubernetesClient> clients;

    public Qmeshctl(Supplier<KubernetesClient> clients) {
        this.clients = clients;
    }

    Cluster cluster() {
        return new Cluster(clients);
    }

    public static void main(String[] args) {
        System.exit(commandLine(Cluster::fromKubeconfig).execute(args));
    }

    /** The command line as {@link #main} runs it; tests pass a client of the mock API server. */
    public static CommandLine commandLine(Supplier<KubernetesClient> clients) {
        CommandLine commandLine = new CommandLine(new Qmeshctl(clients));
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CliException cli) {
                cmd.getErr().println("error: " + cli.getMessage());
                return cli.exitCode();
            }
            throw e;
        });
        return commandLine;
    }

    static String clientVersion() {
        Properties properties = new Properties();
        try (InputStream in = Qmeshctl.class.getResourceAsStream("/qmeshctl.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"qmeshctl " + clientVersion()};
        }
    }
}
