package io.qmesh.localmesh;

import java.io.PrintStream;
import java.time.Duration;

/** A running local mesh: control plane, cluster state and the demo apps, as the walkthrough and the tests drive it. */
record Mesh(ControlPlane controlPlane, ClusterState cluster, DemoWorkloads apps, Walkthrough walkthrough) {

    /** Brings everything up: API, mesh configuration and demo objects, the four services, the demo apps. */
    static Mesh up(Layout layout, Processes processes, ControlPlane controlPlane, Duration buyInterval, PrintStream out) {
        out.println("== Starting the in-memory Kubernetes API");
        controlPlane.startApi(LocalMesh.START_TIMEOUT);
        ClusterState cluster = new ClusterState(controlPlane.client());
        cluster.apply(layout.k8s().resolve("01-namespace.yaml"));
        cluster.apply(layout.k8s().resolve("examples/meshconfig.yaml"));
        cluster.apply(layout.k8s().resolve("30-webhook.yaml"));
        cluster.apply(layout.demoManifests().resolve("00-namespaces.yaml"));
        cluster.apply(layout.demoManifests().resolve("10-identities-and-services.yaml"));
        cluster.patchMeshConfig(true);
        out.println("== Starting cert-manager-svc, mesh-controller, xds-service, sidecar-injector (logs in "
                + layout.work().resolve("logs") + ")");
        controlPlane.startServices(LocalMesh.START_TIMEOUT);
        WorkloadCertificates certificates = new WorkloadCertificates(controlPlane.caAddress(), controlPlane.agentToken());
        DemoWorkloads apps = new DemoWorkloads(layout, processes, cluster, certificates, controlPlane.xdsAddress(), buyInterval);
        out.println("== Starting bookwarehouse, bookstore v1, bookbuyer, bookthief as proxyless gRPC workloads");
        apps.start(DemoWorkloads.BOOKWAREHOUSE, LocalMesh.START_TIMEOUT);
        apps.start(DemoWorkloads.BOOKSTORE_V1, LocalMesh.START_TIMEOUT);
        DemoWorkloads.RunningApp buyer = apps.start(DemoWorkloads.BOOKBUYER, LocalMesh.START_TIMEOUT);
        DemoWorkloads.RunningApp thief = apps.start(DemoWorkloads.BOOKTHIEF, LocalMesh.START_TIMEOUT);
        out.println("   bookbuyer's page: " + buyer.pageUrl() + "   bookthief's page: " + thief.pageUrl());
        awaitFirstCall(buyer, LocalMesh.START_TIMEOUT);
        awaitFirstCall(thief, LocalMesh.START_TIMEOUT);
        return new Mesh(controlPlane, cluster, apps, new Walkthrough(cluster, layout, out));
    }

    /**
     * Waits until the buyer's first call has ended, whatever its outcome: by then it has dialled
     * xds-service, received its configuration and connected, so the walkthrough's first step counts
     * what a running workload sees, not a cold start (a freshly started JVM's first call can outlast its deadline).
     */
    private static void awaitFirstCall(DemoWorkloads.RunningApp buyer, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Counters counters = Counters.read(buyer.countersUrl());
        while (counters.boughtTotal() + counters.failedTotal() == 0 || !counters.readable()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(buyer.app().pod() + " made no call within " + timeout + ": " + counters
                        + " (its log: " + buyer.process().log() + ")");
            }
            Walkthrough.sleep(Duration.ofMillis(200));
            counters = Counters.read(buyer.countersUrl());
        }
    }

    DemoWorkloads.RunningApp buyer() {
        return apps.get(DemoWorkloads.BOOKBUYER);
    }

    DemoWorkloads.RunningApp thief() {
        return apps.get(DemoWorkloads.BOOKTHIEF);
    }

    /** What `qmeshctl policy check` says about bookthief buying a book, run against the in-memory API. */
    String explainThiefDenial(Layout layout, Processes processes) {
        DemoWorkloads.RunningApp thief = thief();
        Processes.Started check = processes.start("qmeshctl", java.util.List.of(Processes.java(), "-jar",
                layout.qmeshctlJar().toString(), "policy", "check", thief.app().namespace() + "/" + thief.app().pod(),
                "bookstore/bookstore:" + DemoWorkloads.GRPC_PORT, "--path", "/qmesh.demo.v1.Bookstore/BuyBook", "--method", "POST"),
                java.util.Map.of("KUBECONFIG", controlPlane.kubeconfig().toString()));
        try {
            check.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return check.output().strip();
    }

    void startBookstoreV2() {
        apps.start(DemoWorkloads.BOOKSTORE_V2, Duration.ofMinutes(2));
    }
}
