package io.qmesh.ctl;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * qmeshctl, also {@code kubectl qmesh}. Talks to the cluster through the user's kubeconfig, and to the
 * control plane's HTTP ports through port-forwards or the addresses given with {@code --endpoint}
 * ({@link ServiceAccess}). Exit codes (see {@link ExitCode}): 0 done, 1 denied (policy check), 2 usage,
 * 3 cluster or service not reachable, 4 not found (namespace, pod, control plane, proxy not
 * connected), 5 control plane degraded (status).
 */
@Command(name = "qmeshctl", mixinStandardHelpOptions = true, versionProvider = Qmeshctl.Version.class,
        description = "Operate a qmesh service mesh.",
        subcommands = {NamespaceCommand.class, StatusCommand.class, ProxyCommand.class, PolicyCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class})
public final class Qmeshctl {

    private final Supplier<KubernetesClient> clients;
    private final Clock clock;

    @Option(names = "--endpoint", scope = ScopeType.INHERIT, split = ",", paramLabel = "SERVICE=URL",
            defaultValue = "${env:" + ServiceAccess.ENDPOINTS_ENV + "}",
            description = "reach a control-plane service's HTTP port (9091) at URL instead of port-forwarding to its pods, "
                    + "e.g. xds-service=http://127.0.0.1:9091 (repeat for several replicas; default: $"
                    + ServiceAccess.ENDPOINTS_ENV + ")")
    List<String> endpoints = new ArrayList<>();

    public Qmeshctl(Supplier<KubernetesClient> clients) {
        this(clients, Clock.systemUTC());
    }

    public Qmeshctl(Supplier<KubernetesClient> clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
    }

    Cluster cluster() {
        return new Cluster(clients);
    }

    /** How to reach the control plane's HTTP ports; close it to end its port-forwards. */
    ServiceAccess serviceAccess(Cluster cluster) {
        return ServiceAccess.of(cluster, endpoints == null ? List.of() : endpoints);
    }

    Clock clock() {
        return clock;
    }

    public static void main(String[] args) {
        System.exit(commandLine(Cluster::fromKubeconfig).execute(args));
    }

    /** The command line as {@link #main} runs it; tests pass a client of the mock API server. */
    public static CommandLine commandLine(Supplier<KubernetesClient> clients) {
        return commandLine(clients, Clock.systemUTC());
    }

    /** ... and a clock, for what qmeshctl says about time (lease expiry, days to the CA root's expiry). */
    public static CommandLine commandLine(Supplier<KubernetesClient> clients, Clock clock) {
        CommandLine commandLine = new CommandLine(new Qmeshctl(clients, clock));
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
