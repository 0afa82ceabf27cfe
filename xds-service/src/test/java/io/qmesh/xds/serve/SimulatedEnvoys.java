package io.qmesh.xds.serve;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.StreamObserver;
import io.qmesh.api.mesh.v1.MeshPolicyServiceGrpc;
import io.qmesh.api.mesh.v1.MeshPolicyUpdate;
import io.qmesh.api.mesh.v1.WatchRequest;
import io.qmesh.runtime.DaemonThreads;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The simulated Envoys of {@link XdsBenchmark}, in a JVM of their own, so that the benchmark's JVM
 * holds only xds-service: its heap is the server's, and its CPU too. {@link #start} launches them;
 * the two JVMs talk over the child's stdin and stdout, one command and one answer per line.
 * Response times are {@link System#nanoTime()}, which on Linux is the machine-wide monotonic clock,
 * so the benchmark compares them with its own.
 */
final class SimulatedEnvoys implements AutoCloseable {

    /** One delta ADS client per proxy ({@code envoys <port> <proxies> <services>}), or idle gRPC streams ({@code idle <port> <n>}). */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        EventLoopGroup loops = Epoll.isAvailable() ? new EpollEventLoopGroup(0, DaemonThreads.numbered("simulated-envoy-loop"))
                : new NioEventLoopGroup(0, DaemonThreads.numbered("simulated-envoy-loop"));
        Class<? extends Channel> channelType = Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
        List<TestAdsClient> clients = new ArrayList<>();
        List<ManagedChannel> idle = new ArrayList<>();
        if (args[0].equals("idle")) {
            for (int i = 0; i < Integer.parseInt(args[2]); i++) {
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                        .eventLoopGroup(loops).channelType(channelType).build();
                idle.add(channel);
                MeshPolicyServiceGrpc.newStub(channel).watch(WatchRequest.getDefaultInstance(), new StreamObserver<>() {
                    public void onNext(MeshPolicyUpdate u) { }
                    public void onError(Throwable t) { }
                    public void onCompleted() { }
                });
            }
        } else {
            int proxies = Integer.parseInt(args[2]);
            int services = Integer.parseInt(args[3]);
            for (int i = 0; i < proxies; i++) {
                int service = i % services;
                int pod = (i / services) % SyntheticMesh.ENDPOINTS_PER_SERVICE;
                // each response is handled on its connection's event loop (no hop to a callback pool),
                // as Envoy handles xDS on its main thread
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                        .eventLoopGroup(loops).channelType(channelType).directExecutor().build();
                clients.add(new TestAdsClient(channel, true, "app", "s" + service + "-p" + pod,
                        "uid-s" + service + "-p" + pod).counting().start());
            }
        }
        serve(clients);
        idle.forEach(ManagedChannel::shutdownNow);
        for (TestAdsClient c : clients) {
            c.close();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /**
     * Answers commands until {@code quit}: {@code ready <responses>} (every client has had that many),
     * {@code mark} (remember each client's count), {@code await all|<i,j,...>} (those clients have had a
     * response since the mark: the latest of their last response times, or -1 after 60 s), and
     * {@code cpu} (this process's CPU time, ns).
     */
    private static void serve(List<TestAdsClient> clients) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        long[] mark = new long[clients.size()];
        for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
            String[] command = line.split(" ");
            String answer = switch (command[0]) {
                case "ready" -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    for (TestAdsClient c : clients) {
                        while (c.responses() < Long.parseLong(command[1]) && System.nanoTime() < deadline) {
                            Thread.sleep(5);
                        }
                    }
                    yield "ok";
                }
                case "mark" -> {
                    for (int i = 0; i < clients.size(); i++) {
                        mark[i] = clients.get(i).responses();
                    }
                    yield "ok";
                }
                case "await" -> String.valueOf(await(clients, mark, command[1]));
                case "cpu" -> String.valueOf(((com.sun.management.OperatingSystemMXBean) ManagementFactory
                        .getOperatingSystemMXBean()).getProcessCpuTime());
                default -> "unknown command " + line;
            };
            out.write(ANSWER + answer);
            out.newLine();
            out.flush();
        }
    }

    private static long await(List<TestAdsClient> clients, long[] mark, String which) throws InterruptedException {
        List<Integer> indices = new ArrayList<>();
        if (which.equals("all")) {
            for (int i = 0; i < clients.size(); i++) {
                indices.add(i);
            }
        } else {
            for (String i : which.split(",")) {
                indices.add(Integer.parseInt(i));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long last = -1;
        for (int i : indices) {
            TestAdsClient c = clients.get(i);
            while (c.responses() <= mark[i]) {
                if (System.nanoTime() > deadline) {
                    return -1;
                }
                Thread.sleep(1);
            }
            last = Math.max(last, c.lastResponseNanos());
        }
        return last;
    }

    /** Starts each answer line: anything else the child prints on stdout (a library's log line) is skipped. */
    private static final String ANSWER = "= ";

    private final Process process;
    private final BufferedReader answers;
    private final BufferedWriter commands;

    private SimulatedEnvoys(Process process) {
        this.process = process;
        this.answers = process.inputReader(StandardCharsets.UTF_8);
        this.commands = process.outputWriter(StandardCharsets.UTF_8);
    }

    /** Launches the simulated Envoys' JVM with {@code args} (see {@link #main}); its stderr goes to target/. */
    static SimulatedEnvoys start(String... args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC", "-Xmx4g", "-cp", classpath, SimulatedEnvoys.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectError(Path.of("target", "simulated-envoys.log").toFile()).start();
        return new SimulatedEnvoys(process);
    }

    String ask(String command) throws IOException {
        commands.write(command);
        commands.newLine();
        commands.flush();
        for (String line; (line = answers.readLine()) != null; ) {
            if (line.startsWith(ANSWER)) {
                return line.substring(ANSWER.length());
            }
        }
        throw new IOException("the simulated Envoys' JVM exited (" + command + "); see target/simulated-envoys.log");
    }

    /** This JVM's CPU time so far (every thread, JIT and GC included), in ms. */
    double cpuMillis() throws IOException {
        return Long.parseLong(ask("cpu")) / 1e6;
    }

    @Override
    public void close() throws Exception {
        try {
            commands.write("quit");
            commands.newLine();
            commands.flush();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
