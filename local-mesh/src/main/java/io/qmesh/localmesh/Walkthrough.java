package io.qmesh.localmesh;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The bookstore story, step by step, as `make demo` tells it and the end-to-end test asserts it:
 * permissive mode on (everyone buys), off (everyone is denied), a TrafficTarget (bookbuyer buys,
 * bookthief is still denied), then bookstore v2 and a TrafficSplit moving 100/0 → 50/50 → 0/100.
 */
final class Walkthrough {

    private final ClusterState cluster;
    private final Layout layout;
    private final PrintStream out;

    Walkthrough(ClusterState cluster, Layout layout, PrintStream out) {
        this.cluster = cluster;
        this.layout = layout;
        this.out = out;
    }

    void permissive(boolean on) {
        cluster.patchMeshConfig(on);
    }

    void applyTrafficTargets() {
        cluster.apply(policy("traffic-targets.yaml"));
    }

    void split(int v1, int v2) {
        cluster.apply(policy("traffic-split-" + v1 + "-" + v2 + ".yaml"));
    }

    /** Runs one step: prints its title, acts, lets traffic flow, prints what each buyer saw meanwhile. */
    void step(int number, String title, Runnable action, Duration settle, DemoWorkloads.RunningApp... buyers) {
        out.printf("%n== %d. %s%n", number, title);
        action.run();
        sleep(Duration.ofSeconds(2));
        Counters[] before = new Counters[buyers.length];
        for (int i = 0; i < buyers.length; i++) {
            before[i] = Counters.read(buyers[i].countersUrl());
        }
        sleep(settle);
        for (int i = 0; i < buyers.length; i++) {
            out.printf("   %-10s %s%n", buyers[i].app().labels().get("app"),
                    Counters.read(buyers[i].countersUrl()).since(before[i]));
        }
    }

    private Path policy(String file) {
        return layout.demoManifests().resolve("policies").resolve(file);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

}
