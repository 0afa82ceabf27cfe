package io.qmesh.xds.serve;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qmesh.api.mesh.PolicyVersion;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.testing.CpuUse;
import io.qmesh.xds.generate.MeshConfigs;
import io.qmesh.xds.policy.PolicyHolder;
import io.qmesh.xds.serve.JvmMeasures.GcPauses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * xDS at scale: N delta ADS clients (one per proxy, each on its own connection, ACKing everything, in
 * a JVM of their own: {@link SimulatedEnvoys}) against one xds-service core (XdsServer + AdsService on
 * a real gRPC server on loopback, in this JVM), with a
 * synthetic SMI mesh ({@link SyntheticMesh}) of M services × 10 endpoints where each service may call
 * the next two.
 * Reports convergence after a one-endpoint change and after a change that touches every proxy,
 * heap per connected proxy, and the cost of an incremental step relative to a full recompute.
 * {@code -Dbench.xds.proxies=1000,5000} picks the fleet sizes (default 1000), {@code -Dbench.xds.permissive-proxies}
 * those of the permissive toggle on a smaller mesh.
 */
@Tag("bench")
class XdsBenchmark {

    static final int SERVICES = Integer.getInteger("bench.xds.services", 1000);
    /** Permissive mode gives every group every service: measured on a smaller mesh (O(groups × services)). */
    static final int PERMISSIVE_SERVICES = Integer.getInteger("bench.xds.permissive-services", 100);
    /**
     * Unmeasured every-proxy changes before the measured ones: per-group code runs once per group per
     * change, so the JIT needs several fleet-wide changes before it has compiled it (the first one after
     * start is reported on its own).
     */
    static final int WARM_UP_TOGGLES = 8;
    static final int WARM_UP_RUNS = 20;
    static final int MEASURED_TOGGLES = 10;

    @Test
    void xdsConvergenceHeapAndIncrementalCost() throws Exception {
        List<Integer> fleets = sizes("bench.xds.proxies");
        StringBuilder md = new StringBuilder("## xds-service\n\n")
                .append("Synthetic SMI mesh: ").append(SERVICES).append(" services × ").append(SyntheticMesh.ENDPOINTS_PER_SERVICE)
                .append(" endpoints, each service allowed to call the next two; one delta ADS client per proxy, ")
                .append("the clients in a JVM of their own (`SimulatedEnvoys`), both on this machine's cores.\n\n")
                .append("| proxies | groups | one-endpoint change p50 / p99 | every-proxy change p50 / p99 (first after start) | CPU per every-proxy change: server threads / server JIT+GC / simulated Envoys | server heap per proxy (idle gRPC stream floor); whole server heap in use | incremental / full recompute |\n")
                .append("|---|---|---|---|---|---|---|\n");
        List<String> pauses = new ArrayList<>();
        for (int proxies : fleets) {
            Run run = run(proxies, SERVICES, false);
            md.append(run.row()).append('\n');
            pauses.add(run.fleet().gc() + " at " + proxies + " proxies");
        }
        List<Run> permissive = new ArrayList<>();
        for (int proxies : sizes("bench.xds.permissive-proxies")) {
            permissive.add(run(proxies, PERMISSIVE_SERVICES, true));
        }
        md.append("\nThe every-proxy change toggles `egress_enabled` (every group's listeners, routes and clusters change); ")
                .append(MEASURED_TOGGLES).append(" measured toggles after ").append(WARM_UP_TOGGLES)
                .append(" unmeasured ones (the JIT compiles per-group code only after several), 20 one-endpoint changes. ")
                .append("CPU per measured change: the server JVM's Java threads, what no Java thread of it accounts for (JIT compiler, GC), ")
                .append("and the whole simulated Envoys' JVM (parsing, ACKing, their side of the connections, their JIT and GC). ")
                .append("Incremental / full recompute compares the medians of ")
                .append("`MeshConfigs.next` after one endpoint moved and `MeshConfigs.of` (all groups, on every core), both ")
                .append("after ").append(WARM_UP_RUNS).append(" warm-up runs. Heap per proxy is the server JVM's growth per connected ")
                .append("client, read after a full GC; the floor is the server side of an idle gRPC stream's; the heap in use is ")
                .append("the server's whole live set with every proxy connected (policy, configurations, snapshots, streams), ")
                .append(String.format(Locale.ROOT, "in a heap of at most %d MB. ", Runtime.getRuntime().maxMemory() >> 20))
                .append("The server's JVM runs the collector xds-service is deployed with (").append(GcPauses.collectors())
                .append("); its pauses during the measured every-proxy changes: ").append(String.join("; ", pauses)).append('.')
                .append("\n\n**Permissive mode** gives every group every service, so its configuration is O(groups × ")
                .append("services). ").append(permissiveAtFullMesh())
                .append("Toggling `permissive` (every group's listeners, routes, clusters and endpoints change) on a mesh of ")
                .append(PERMISSIVE_SERVICES).append(" services × ").append(SyntheticMesh.ENDPOINTS_PER_SERVICE).append(" endpoints:\n\n")
                .append("| proxies | groups | permissive toggle p50 / p99 | CPU per toggle: server threads / server JIT+GC / simulated Envoys | GC pauses during the toggles | egress toggle p50 / p99, same mesh | server heap per proxy, permissive off |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Run run : permissive) {
            md.append(String.format(Locale.ROOT, "| %d | %d | %s / %s | %s | %s | %s / %s | %.1f KB |%n", run.proxies(), run.groups(),
                    ms(run.fleet().p50()), ms(run.fleet().p99()), run.fleet().cpu(), run.fleet().gc(), ms(run.baseline().p50()),
                    ms(run.baseline().p99()), run.heapPerProxy() / 1024.0));
        }
        Path out = Path.of("target/bench/xds.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
    }

    /** One fleet's results; the baseline is the egress toggle, measured when the fleet toggles permissive mode. */
    record Run(int proxies, int groups, long p50One, long p99One, Toggles fleet, Toggles baseline, long heapPerProxy,
            long floor, long heapInUse, double incrementalPercent) {
        String row() {
            return String.format(Locale.ROOT, "| %d | %d | %s / %s | %s / %s (%s) | %s | %.1f KB (%.1f KB); %d MB | %.2f%% |", proxies,
                    groups, ms(p50One), ms(p99One), ms(fleet.p50()), ms(fleet.p99()), ms(fleet.first()), fleet.cpu(),
                    heapPerProxy / 1024.0, floor / 1024.0, heapInUse >> 20, incrementalPercent);
        }
    }

    /**
     * Convergence after every-proxy changes: the first after start, the measured ones, and the CPU they
     * took in the server's JVM and in the simulated Envoys' (all of it, their JIT and GC included).
     */
    record Toggles(long first, List<Long> measured, CpuUse server, double envoysMillis, GcPauses gc) {
        long p50() {
            return pct(measured, 50);
        }

        long p99() {
            return pct(measured, 99);
        }

        String cpu() {
            int n = measured.size();
            return String.format(Locale.ROOT, "%.0f / %.0f / %.0f ms", server.javaThreadMillis() / n,
                    server.outsideJavaThreadsMillis() / n, envoysMillis / n);
        }
    }

    /** {@code proxies} clients on a mesh of {@code services}; every-proxy changes toggle egress, or permissive mode. */
    private Run run(int proxies, int services, boolean togglePermissive) throws Exception {
        MeshPolicy policy = SyntheticMesh.of(services);
        double incrementalPercent = incrementalPercent(policy);
        long floor = JvmMeasures.idleStreamFloor(proxies);

        XdsMetrics metrics = new XdsMetrics(new SimpleMeterRegistry());
        SecretStore secrets = new SecretStore();
        XdsServer xds = new XdsServer(new PolicyHolder(), secrets, metrics, 4);
        xds.apply("v0", policy).get();
        // the ADS server xds-service ships (plaintext here: TLS would measure handshakes, not pushes)
        AdsServer server = new AdsServer(new AdsService(xds, metrics, false), secrets, metrics, "plaintext", 0, List.of(), false,
                Optional.empty(), Optional.empty(), Optional.empty());
        server.start(null);
        long heapBefore = JvmMeasures.usedHeap();
        try (SimulatedEnvoys envoys = SimulatedEnvoys.start("envoys", String.valueOf(server.port()), String.valueOf(proxies),
                String.valueOf(services))) {
            envoys.ask("ready 4");
            long heapInUse = JvmMeasures.usedHeap();
            long heapPerProxy = (heapInUse - heapBefore) / proxies;

            List<Long> one = new ArrayList<>();
            MeshPolicy current = policy;
            for (int round = 0; round < 20; round++) {
                int service = (round * 37) % services;
                current = SyntheticMesh.withEndpoint(current, service, "10.8." + (round % 250) + ".1");
                List<String> affected = new ArrayList<>();
                for (int i = 0; i < proxies; i++) {
                    int s = i % services;
                    if ((s + 1) % services == service || (s + 2) % services == service) {
                        affected.add(String.valueOf(i));
                    }
                }
                one.add(converge(xds, current, envoys, String.join(",", affected)));
            }
            MeshPolicy smi = current;
            Toggles egress = toggle(xds, smi, envoys, p -> p.toBuilder().setSettings(p.getSettings().toBuilder()
                    .setEgressEnabled(!p.getSettings().getEgressEnabled())).build());
            Toggles fleet = egress;
            if (togglePermissive) {
                MeshPolicy permissive = SyntheticMesh.permissive(smi, services);
                fleet = toggle(xds, smi, envoys, p -> p.getSettings().getPermissiveTrafficPolicy() ? smi : permissive);
            }
            return new Run(proxies, xds.identities().size(), pct(one, 50), pct(one, 99), fleet, egress, heapPerProxy, floor,
                    heapInUse, incrementalPercent);
        } finally {
            server.stop(null);
        }
    }

    /**
     * The cost of the step after one endpoint moved relative to a full recompute, in percent (the
     * configurations it builds are unreachable once it returns, so the server's heap is read alone).
     */
    private static double incrementalPercent(MeshPolicy policy) {
        MeshConfigs base = MeshConfigs.of(policy);
        MeshPolicy oneEndpoint = SyntheticMesh.withEndpoint(policy, 0, "10.9.9.9");
        // both compiled by the JIT before they are timed: a cold full recompute would flatter the ratio
        median(WARM_UP_RUNS, () -> MeshConfigs.of(policy));
        median(WARM_UP_RUNS, () -> base.next(oneEndpoint));
        long fullNanos = median(9, () -> MeshConfigs.of(policy));
        long incrementalNanos = median(9, () -> base.next(oneEndpoint));
        return 100.0 * incrementalNanos / fullNanos;
    }

    /**
     * Flips a mesh setting back and forth, an even number of times (it ends where it began):
     * {@link #WARM_UP_TOGGLES} unmeasured toggles first (the first of them reported as the first after
     * start), then {@link #MEASURED_TOGGLES} measured ones, with the CPU they used.
     */
    private static Toggles toggle(XdsServer xds, MeshPolicy policy, SimulatedEnvoys envoys,
            java.util.function.UnaryOperator<MeshPolicy> flip) throws Exception {
        MeshPolicy current = policy;
        long first = 0;
        List<Long> measured = new ArrayList<>();
        CpuUse before = null;
        double envoysBefore = 0;
        GcPauses gcBefore = null;
        for (int round = 0; round < WARM_UP_TOGGLES + MEASURED_TOGGLES; round++) {
            if (round == WARM_UP_TOGGLES) {
                before = CpuUse.now();
                envoysBefore = envoys.cpuMillis();
                gcBefore = GcPauses.now();
            }
            current = flip.apply(current);
            long nanos = converge(xds, current, envoys, "all");
            if (round == 0) {
                first = nanos;
            } else if (round >= WARM_UP_TOGGLES) {
                measured.add(nanos);
            }
        }
        return new Toggles(first, measured, CpuUse.now().minus(before), envoys.cpuMillis() - envoysBefore,
                GcPauses.now().minus(gcBefore));
    }

    /**
     * Applies the policy and waits until every affected client ({@code "all"} or their indices) has
     * received a response after it: the time to the last of those responses.
     */
    private static long converge(XdsServer xds, MeshPolicy policy, SimulatedEnvoys envoys, String affected) throws Exception {
        envoys.ask("mark");
        // mesh-controller sends the version with the policy: hashing it here is not xds-service's work
        String version = PolicyVersion.of(policy);
        long start = System.nanoTime();
        xds.apply(version, policy);
        long last = Long.parseLong(envoys.ask("await " + affected));
        if (last < 0) {
            throw new IllegalStateException("policy " + version + " did not reach every affected simulated Envoy within 60 s");
        }
        return last - start;
    }

    /**
     * What toggling permissive mode on the full mesh would send: one proxy's permissive configuration
     * (every service's cluster, endpoints, virtual hosts and filter chain), generated for one group.
     */
    private static String permissiveAtFullMesh() {
        io.qmesh.xds.generate.GroupConfig config = SyntheticMesh.permissiveGroup(SERVICES);
        long bytes = java.util.stream.Stream.of(config.listeners(), config.routes(), config.clusters(), config.endpoints())
                .flatMap(List::stream).mapToLong(com.google.protobuf.MessageLite::getSerializedSize).sum();
        return String.format(Locale.ROOT, "On the full mesh (%d services) one proxy's permissive configuration is %d clusters, "
                + "%d endpoint sets, %d route configurations and %d listeners: %.1f MB serialized, nearly all of it new when "
                + "permissive mode is turned on. A toggle would send about %.1f GB to 1,000 proxies and %.1f GB to 5,000, and "
                + "regenerate %d groups (one per service) × %d clusters (per group: each cluster names its client's certificate); the toggle is "
                + "measured on a smaller mesh. ",
                SERVICES, config.clusters().size(), config.endpoints().size(), config.routes().size(), config.listeners().size(),
                bytes / 1e6, bytes * 1000 / 1e9, bytes * 5000 / 1e9, SERVICES, SERVICES);
    }

    private static long median(int runs, Runnable work) {
        long[] times = IntStream.range(0, runs).mapToLong(i -> {
            long start = System.nanoTime();
            work.run();
            return System.nanoTime() - start;
        }).sorted().toArray();
        return times[runs / 2];
    }

    /** Fleet sizes from a comma-separated property (default 1000; empty: none). */
    private static List<Integer> sizes(String property) {
        return Arrays.stream(System.getProperty(property, "1000").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Integer::parseInt).toList();
    }

    private static long pct(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }
}
