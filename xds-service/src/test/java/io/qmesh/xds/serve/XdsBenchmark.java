package io.qmesh.xds.serve;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qmesh.api.mesh.PolicyVersion;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.runtime.DaemonThreads;
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
 * xDS at scale: N delta ADS clients (one per proxy, each on its own connection, ACKing everything)
 * against one xds-service core (XdsServer + AdsService on a real gRPC server on loopback), with a
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
    /** Thread names of the simulated Envoys (their event loop and callbacks), so their CPU is told apart from the server's. */
    static final String ENVOYS = "simulated-envoy";

    @Test
    void xdsConvergenceHeapAndIncrementalCost() throws Exception {
        List<Integer> fleets = sizes("bench.xds.proxies");
        StringBuilder md = new StringBuilder("## xds-service\n\n")
                .append("Synthetic SMI mesh: ").append(SERVICES).append(" services × ").append(SyntheticMesh.ENDPOINTS_PER_SERVICE)
                .append(" endpoints, each service allowed to call the next two; one delta ADS client per proxy, ")
                .append("clients and server in one JVM on this machine's cores.\n\n")
                .append("| proxies | groups | one-endpoint change p50 / p99 | every-proxy change p50 / p99 (first after start) | CPU per every-proxy change: server / simulated Envoys / JIT+GC | heap per proxy (idle gRPC stream floor) | incremental / full recompute |\n")
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
                .append("CPU is the process's, per measured change: the server's threads (and the benchmark's own polling), the simulated Envoys' (parsing, ")
                .append("ACKing, their side of the connections), and what no Java thread accounts for (JIT compiler, GC). Incremental / full recompute compares the medians of ")
                .append("`MeshConfigs.next` after one endpoint moved and `MeshConfigs.of` (all groups, on every core), both ")
                .append("after ").append(WARM_UP_RUNS).append(" warm-up runs. Heap per proxy is the whole JVM's growth per connected ")
                .append("client (server and client side of each connection); the floor is an idle gRPC stream's. ")
                .append("The JVM runs the collector xds-service is deployed with (").append(GcPauses.collectors())
                .append("); its pauses during the measured every-proxy changes: ").append(String.join("; ", pauses)).append('.')
                .append("\n\n**Permissive mode** gives every group every service, so its configuration is O(groups × ")
                .append("services). ").append(permissiveAtFullMesh())
                .append("Toggling `permissive` (every group's listeners, routes, clusters and endpoints change) on a mesh of ")
                .append(PERMISSIVE_SERVICES).append(" services × ").append(SyntheticMesh.ENDPOINTS_PER_SERVICE).append(" endpoints:\n\n")
                .append("| proxies | groups | permissive toggle p50 / p99 | CPU per toggle: server / simulated Envoys / JIT+GC | GC pauses during the toggles | egress toggle p50 / p99, same mesh | heap per proxy, permissive off |\n")
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
            long floor, double incrementalPercent) {
        String row() {
            return String.format(Locale.ROOT, "| %d | %d | %s / %s | %s / %s (%s) | %s | %.1f KB (%.1f KB) | %.2f%% |", proxies, groups,
                    ms(p50One), ms(p99One), ms(fleet.p50()), ms(fleet.p99()), ms(fleet.first()), fleet.cpu(),
                    heapPerProxy / 1024.0, floor / 1024.0, incrementalPercent);
        }
    }

    /** Convergence after every-proxy changes: the first after start, the measured ones, and the CPU they took. */
    record Toggles(long first, List<Long> measured, CpuUse cpuUse, GcPauses gc) {
        long p50() {
            return pct(measured, 50);
        }

        long p99() {
            return pct(measured, 99);
        }

        String cpu() {
            double envoys = cpuUse.millis(ENVOYS);
            double server = cpuUse.javaThreadMillis() - envoys;
            return String.format(Locale.ROOT, "%.0f / %.0f / %.0f ms", server / measured.size(), envoys / measured.size(),
                    cpuUse.outsideJavaThreadsMillis() / measured.size());
        }
    }

    /** {@code proxies} clients on a mesh of {@code services}; every-proxy changes toggle egress, or permissive mode. */
    private Run run(int proxies, int services, boolean togglePermissive) throws Exception {
        MeshPolicy policy = SyntheticMesh.of(services);
        MeshConfigs base = MeshConfigs.of(policy);
        MeshPolicy oneEndpoint = SyntheticMesh.withEndpoint(policy, 0, "10.9.9.9");
        // both compiled by the JIT before they are timed: a cold full recompute would flatter the ratio
        median(WARM_UP_RUNS, () -> MeshConfigs.of(policy));
        median(WARM_UP_RUNS, () -> base.next(oneEndpoint));
        long fullNanos = median(9, () -> MeshConfigs.of(policy));
        long incrementalNanos = median(9, () -> base.next(oneEndpoint));

        long floor = JvmMeasures.idleStreamFloor(proxies);

        XdsMetrics metrics = new XdsMetrics(new SimpleMeterRegistry());
        SecretStore secrets = new SecretStore();
        XdsServer xds = new XdsServer(new PolicyHolder(), secrets, metrics, 4);
        xds.apply("v0", policy).get();
        // the ADS server xds-service ships (plaintext here: TLS would measure handshakes, not pushes)
        AdsServer server = new AdsServer(new AdsService(xds, metrics, false), secrets, metrics, "plaintext", 0, List.of(), false, false,
                Optional.empty(), Optional.empty(), Optional.empty());
        server.start(null);
        List<TestAdsClient> clients = new ArrayList<>();
        // the simulated Envoys' threads are named, so their CPU is not counted as the server's
        EventLoopGroup envoyLoops = Epoll.isAvailable() ? new EpollEventLoopGroup(0, DaemonThreads.numbered(ENVOYS + "-loop"))
                : new NioEventLoopGroup(0, DaemonThreads.numbered(ENVOYS + "-loop"));
        Class<? extends Channel> envoyChannels = Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
        try {
            long heapBefore = JvmMeasures.usedHeap();
            for (int i = 0; i < proxies; i++) {
                int service = i % services;
                int pod = (i / services) % SyntheticMesh.ENDPOINTS_PER_SERVICE;
                // each response is handled on its connection's event loop (no hop to a callback pool),
                // as Envoy handles xDS on its main thread
                var channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                        .eventLoopGroup(envoyLoops).channelType(envoyChannels).directExecutor().build();
                clients.add(new TestAdsClient(channel, true, "app", "s" + service + "-p" + pod,
                        "uid-s" + service + "-p" + pod).counting().start());
            }
            awaitAll(clients, 0, 4, 120);
            long heapPerProxy = (JvmMeasures.usedHeap() - heapBefore) / proxies;

            List<Long> one = new ArrayList<>();
            MeshPolicy current = policy;
            for (int round = 0; round < 20; round++) {
                int service = (round * 37) % services;
                current = SyntheticMesh.withEndpoint(current, service, "10.8." + (round % 250) + ".1");
                List<TestAdsClient> affected = new ArrayList<>();
                for (int i = 0; i < proxies; i++) {
                    int s = i % services;
                    if ((s + 1) % services == service || (s + 2) % services == service) {
                        affected.add(clients.get(i));
                    }
                }
                one.add(converge(xds, current, affected));
            }
            MeshPolicy smi = current;
            Toggles egress = toggle(xds, smi, clients, p -> p.toBuilder().setSettings(p.getSettings().toBuilder()
                    .setEgressEnabled(!p.getSettings().getEgressEnabled())).build());
            Toggles fleet = egress;
            if (togglePermissive) {
                MeshPolicy permissive = SyntheticMesh.permissive(smi, services);
                fleet = toggle(xds, smi, clients, p -> p.getSettings().getPermissiveTrafficPolicy() ? smi : permissive);
            }
            return new Run(proxies, xds.identities().size(), pct(one, 50), pct(one, 99), fleet, egress, heapPerProxy, floor,
                    100.0 * incrementalNanos / fullNanos);
        } finally {
            for (TestAdsClient c : clients) {
                c.close();
            }
            server.stop(null);
            envoyLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * Flips a mesh setting back and forth, an even number of times (it ends where it began):
     * {@link #WARM_UP_TOGGLES} unmeasured toggles first (the first of them reported as the first after
     * start), then {@link #MEASURED_TOGGLES} measured ones, with the CPU they used.
     */
    private static Toggles toggle(XdsServer xds, MeshPolicy policy, List<TestAdsClient> clients,
            java.util.function.UnaryOperator<MeshPolicy> flip) throws Exception {
        MeshPolicy current = policy;
        long first = 0;
        List<Long> measured = new ArrayList<>();
        CpuUse before = null;
        GcPauses gcBefore = null;
        for (int round = 0; round < WARM_UP_TOGGLES + MEASURED_TOGGLES; round++) {
            if (round == WARM_UP_TOGGLES) {
                before = CpuUse.now(ENVOYS);
                gcBefore = GcPauses.now();
            }
            current = flip.apply(current);
            long nanos = converge(xds, current, clients);
            if (round == 0) {
                first = nanos;
            } else if (round >= WARM_UP_TOGGLES) {
                measured.add(nanos);
            }
        }
        return new Toggles(first, measured, CpuUse.now(ENVOYS).minus(before), GcPauses.now().minus(gcBefore));
    }

    /** Applies the policy and waits until every affected client has received a response after it. */
    private static long converge(XdsServer xds, MeshPolicy policy, List<TestAdsClient> affected) throws Exception {
        long[] before = affected.stream().mapToLong(TestAdsClient::responses).toArray();
        // mesh-controller sends the version with the policy: hashing it here is not xds-service's work
        String version = PolicyVersion.of(policy);
        long start = System.nanoTime();
        xds.apply(version, policy);
        for (int i = 0; i < affected.size(); i++) {
            TestAdsClient c = affected.get(i);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (c.responses() <= before[i] && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
        long last = affected.stream().mapToLong(TestAdsClient::lastResponseNanos).max().orElse(start);
        return last - start;
    }

    private static void awaitAll(List<TestAdsClient> clients, long after, int responses, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (TestAdsClient c : clients) {
            while (c.responses() < after + responses && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
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

    /** Fleet sizes from a comma-separated property (default 1000). */
    private static List<Integer> sizes(String property) {
        return Arrays.stream(System.getProperty(property, "1000").split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private static long pct(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }
}
