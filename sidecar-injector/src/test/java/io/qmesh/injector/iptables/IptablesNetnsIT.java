package io.qmesh.injector.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.qmesh.injector.patch.IptablesScript;
import io.qmesh.injector.patch.PodFixtures;
import io.qmesh.injector.patch.SidecarContainers;
import io.qmesh.injector.patch.TrafficExclusions;
import io.qmesh.injector.tools.ExternalTools;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The init container's rules, applied with iptables-restore inside a network namespace this test
 * creates ("pod"), joined by a veth pair over a private /30 to a second namespace ("remote"). Nothing
 * leaves the two namespaces; the host's tables are untouched; both namespaces are deleted afterwards,
 * also on failure. Needs root, iproute2 and iptables (.ci/run installs them); skips elsewhere.
 */
class IptablesNetnsIT {

    private static final String POD_IP = "10.213.77.1";
    private static final String REMOTE_IP = "10.213.77.2";
    private static final int REMOTE_SERVICE = 7001;
    private static final int REMOTE_EXCLUDED = 7002;
    private static final int APP_PORT = 8080;
    private static final int APP_EXCLUDED = 8081;
    private static final int ORDINARY_UID = 1000;

    private static String suffix;
    private static String podNs;
    private static String remoteNs;
    private static final List<Process> servers = new ArrayList<>();
    private static boolean created;

    @BeforeAll
    static void namespaces() throws Exception {
        assumeTrue(isRoot(), "not root: skipping the iptables network-namespace test (CI runs it as root)");
        assumeTrue(ExternalTools.onPath("ip"), "iproute2 (ip) is not installed: skipping the iptables network-namespace test");
        assumeTrue(ExternalTools.onPath("iptables-restore"),
                "iptables is not installed (apt-get install -y iptables): skipping the iptables network-namespace test");
        assumeTrue(ExternalTools.onPath("setpriv"), "setpriv (util-linux) is not installed: skipping the iptables test");
        suffix = HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
                (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
        podNs = "qmesh-pod-" + suffix;
        remoteNs = "qmesh-remote-" + suffix;
        created = true;
        try {
            sh("ip netns add " + podNs);
            sh("ip netns add " + remoteNs);
            sh("ip link add qp" + suffix + " netns " + podNs + " type veth peer name qr" + suffix + " netns " + remoteNs);
            sh("ip -n " + podNs + " addr add " + POD_IP + "/30 dev qp" + suffix);
            sh("ip -n " + remoteNs + " addr add " + REMOTE_IP + "/30 dev qr" + suffix);
            for (String ns : List.of(podNs, remoteNs)) {
                sh("ip -n " + ns + " link set lo up");
            }
            sh("ip -n " + podNs + " link set qp" + suffix + " up");
            sh("ip -n " + remoteNs + " link set qr" + suffix + " up");

            String rules = IptablesScript.render(TrafficExclusions.fromAnnotations(Map.of(
                    TrafficExclusions.OUTBOUND_PORTS, String.valueOf(REMOTE_EXCLUDED),
                    TrafficExclusions.INBOUND_PORTS, String.valueOf(APP_EXCLUDED))).exclusions());
            // exactly what the qmesh-init container runs: its command with its environment
            Container init = SidecarContainers.init(PodFixtures.settings(false), rules);
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", podNs, "env",
                    init.getEnv().get(0).getName() + "=" + init.getEnv().get(0).getValue()));
            command.addAll(init.getCommand());
            ExternalTools.Run restore = ExternalTools.run(null, command.toArray(String[]::new));
            assertThat(restore.exitCode()).as(restore.describe()).isZero();

            // "Envoy" (15001 outbound, 15003 inbound) and the app (8080, 8081) in the pod; a service in the remote namespace
            echo(podNs, 15001, 15003, APP_PORT, APP_EXCLUDED);
            echo(remoteNs, REMOTE_SERVICE, REMOTE_EXCLUDED);
        } catch (Throwable t) {
            cleanUp();
            throw t;
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        servers.forEach(Process::destroyForcibly);
        for (Process p : servers) {
            p.waitFor();
        }
        servers.clear();
        if (created) {
            created = false;
            ExternalTools.run(null, "ip", "netns", "del", podNs);
            ExternalTools.run(null, "ip", "netns", "del", remoteNs);
        }
    }

    @Test
    void ordinaryUid_toRemotePort_landsOnEnvoyOutbound15001() {
        assertThat(connect(podNs, ORDINARY_UID, REMOTE_IP, REMOTE_SERVICE)).isEqualTo("15001");
    }

    @Test
    void envoyUid1500_toRemotePort_reachesTheRemoteService() {
        assertThat(connect(podNs, IptablesScript.ENVOY_UID, REMOTE_IP, REMOTE_SERVICE)).isEqualTo("7001");
    }

    @Test
    void excludedOutboundPort_bypassesEnvoy() {
        assertThat(connect(podNs, ORDINARY_UID, REMOTE_IP, REMOTE_EXCLUDED)).isEqualTo("7002");
    }

    @Test
    void inboundToAppPort_landsOnEnvoyInbound15003() {
        assertThat(connect(remoteNs, ORDINARY_UID, POD_IP, APP_PORT)).isEqualTo("15003");
    }

    @Test
    void excludedInboundPort_reachesTheAppDirectly() {
        assertThat(connect(remoteNs, ORDINARY_UID, POD_IP, APP_EXCLUDED)).isEqualTo("8081");
    }

    @Test
    void probePortInbound_isNotRedirected() throws Exception {
        echo(podNs, 15901);
        assertThat(connect(remoteNs, ORDINARY_UID, POD_IP, 15901)).isEqualTo("15901");
    }

    /** Connects from {@code ns} as {@code uid} with bash's /dev/tcp; returns the first line the listener sent. */
    private static String connect(String ns, int uid, String host, int port) {
        ExternalTools.Run run = ExternalTools.run(null, "ip", "netns", "exec", ns, "setpriv", "--reuid=" + uid,
                "--regid=" + uid, "--clear-groups", "timeout", "5", "bash", "-c",
                "exec 3<>/dev/tcp/" + host + "/" + port + " && head -n 1 <&3");
        return run.exitCode() == 0 ? run.stdout().trim() : "failed: " + run.describe();
    }

    private static void echo(String ns, int... ports) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData", "-cp",
                Path.of(PortEcho.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                PortEcho.class.getName()));
        for (int p : ports) {
            command.add(String.valueOf(p));
        }
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        servers.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(out.readLine()).as("listener in " + ns).isEqualTo("ready");
    }

    private static void sh(String command) {
        ExternalTools.Run run = ExternalTools.run(null, command.split(" "));
        assertThat(run.exitCode()).as(command + "\n" + run.describe()).isZero();
    }

    private static boolean isRoot() {
        ExternalTools.Run run = ExternalTools.run(null, "id", "-u");
        return run.exitCode() == 0 && run.stdout().trim().equals("0");
    }
}
