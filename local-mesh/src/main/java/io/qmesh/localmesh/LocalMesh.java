package io.qmesh.localmesh;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * `make demo` without a cluster: the whole mesh on this machine, then the bookstore walkthrough.
 * Options: {@code --settle-seconds=N} (traffic per step, default 8), {@code --exit} (stop after the
 * walkthrough instead of running until Ctrl-C). Every process it starts is stopped on exit or Ctrl-C.
 */
public final class LocalMesh {

    static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private LocalMesh() {
    }

    public static void main(String[] args) throws Exception {
        int settle = 8;
        boolean exit = false;
        for (String arg : args) {
            if (arg.startsWith("--settle-seconds=")) {
                settle = Integer.parseInt(arg.substring("--settle-seconds=".length()));
            } else if (arg.equals("--exit")) {
                exit = true;
            } else {
                System.err.println("unknown option " + arg + " (expected --settle-seconds=N, --exit)");
                System.exit(2);
            }
        }
        Layout layout = Layout.find(Path.of(""), Path.of("local-mesh/target/run"));
        PrintStream out = System.out;
        Processes processes = new Processes(layout.work().resolve("logs"));
        Runtime.getRuntime().addShutdownHook(new Thread(processes::close));
        try (ControlPlane controlPlane = new ControlPlane(layout, processes)) {
            Mesh mesh = Mesh.up(layout, processes, controlPlane, Duration.ofMillis(200), out);
            run(mesh, layout, processes, Duration.ofSeconds(settle), out);
            if (!exit) {
                out.printf("%nThe mesh keeps running: bookbuyer %s, bookthief %s. Logs in %s. Ctrl-C stops everything.%n",
                        mesh.buyer().pageUrl(), mesh.thief().pageUrl(), layout.work().resolve("logs"));
                Thread.currentThread().join();
            }
        } finally {
            processes.close();
        }
        System.exit(0);
    }

    /** The walkthrough's steps, printed. */
    static void run(Mesh mesh, Layout layout, Processes processes, Duration settle, PrintStream out) {
        Walkthrough walk = mesh.walkthrough();
        var buyer = mesh.buyer();
        var thief = mesh.thief();
        walk.step(1, "Permissive traffic policy mode: every mesh identity may call every mesh service",
                () -> walk.permissive(true), settle, buyer, thief);
        walk.step(2, "Permissive mode off: no TrafficTarget allows anything yet, every call is denied",
                () -> walk.permissive(false), settle, buyer, thief);
        walk.step(3, "TrafficTargets: bookbuyer may buy from bookstore (which may restock); bookthief may not",
                walk::applyTrafficTargets, settle, buyer, thief);
        out.println("   Why is bookthief denied?  qmeshctl policy check " + thief.app().namespace() + "/" + thief.app().pod()
                + " bookstore/bookstore:" + DemoWorkloads.GRPC_PORT + " --path /qmesh.demo.v1.Bookstore/BuyBook --method POST");
        mesh.explainThiefDenial(layout, processes).lines().forEach(line -> out.println("     " + line));
        walk.step(4, "bookstore v2 arrives; a TrafficSplit keeps all traffic on v1 (100/0)",
                () -> {
                    walk.split(100, 0);
                    mesh.startBookstoreV2();
                }, settle, buyer);
        walk.step(5, "TrafficSplit 50/50", () -> walk.split(50, 50), settle, buyer);
        walk.step(6, "TrafficSplit 0/100: everything to v2", () -> walk.split(0, 100), settle, buyer);
    }
}
