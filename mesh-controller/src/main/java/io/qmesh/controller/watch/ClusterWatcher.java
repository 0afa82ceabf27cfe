package io.qmesh.controller.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.qmesh.controller.ControllerConfig;
import io.qmesh.controller.compile.CompileResult;
import io.qmesh.controller.compile.MeshInputs;
import io.qmesh.controller.compile.PolicyCompiler;
import io.qmesh.controller.compile.ResourceKind;
import io.qmesh.controller.distribute.PolicyDistributor;
import io.qmesh.controller.distribute.Published;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jboss.logging.Logger;

/**
 * The edge: informers → an immutable MeshInputs snapshot → the pure compiler → the distributor, and
 * (on the leader) status conditions. Events are debounced; compiles run one at a time on one thread.
 */
@ApplicationScoped
public class ClusterWatcher {

    private static final Logger LOG = Logger.getLogger(ClusterWatcher.class);

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final PolicyDistributor distributor;
    private final ControllerMetrics metrics;
    private final PolicyCompiler compiler;
    private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
    private ScheduledExecutorService executor;
    private Debouncer debouncer;
    private Leadership leadership;
    private StatusWriter statusWriter;
    private volatile boolean started;
    private volatile CompileResult last;
    private volatile MeshInputs lastInputs;

    ClusterWatcher(KubernetesClient client, ControllerConfig config, PolicyDistributor distributor, ControllerMetrics metrics) {
        this.client = client;
        this.config = config;
        this.distributor = distributor;
        this.metrics = metrics;
        this.compiler = new PolicyCompiler(config.compilerConfig());
    }

    void start(@Observes StartupEvent event) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "qmesh-compile"));
        debouncer = new Debouncer(executor, this::compileSafely, config.controller().debounceQuiet(),
                config.controller().debounceMax(), System::nanoTime);
        statusWriter = new StatusWriter(client, Clock.systemUTC());
        inform("Namespace", client.namespaces().inform(handler("Namespace"), 0));
        inform("Service", client.services().inAnyNamespace().inform(handler("Service"), 0));
        inform("EndpointSlice", client.resources(EndpointSlice.class).inAnyNamespace().inform(handler("EndpointSlice"), 0));
        inform("Pod", client.pods().inAnyNamespace().inform(handler("Pod"), 0));
        inform("ServiceAccount", client.serviceAccounts().inAnyNamespace().inform(handler("ServiceAccount"), 0));
        for (ResourceKind kind : ResourceKind.values()) {
            inform(kind.kind(), client.resources(kind.type()).inAnyNamespace().inform(handler(kind.kind()), 0));
        }
        started = true;
        LOG.infof("mesh=%s watching %d kinds; MeshConfig %s/%s", config.meshName(), informers.size(),
                config.controlPlaneNamespace(), config.meshConfigName());
        // The first compile finishes before the app is up, so the first Watch already gets a policy.
        try {
            executor.submit(this::compileSafely).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("first compile failed", e.getCause());
        }
        if (config.controller().statusWrites()) {
            String identity = config.controller().identity().orElseGet(() ->
                    System.getenv().getOrDefault("HOSTNAME", "mesh-controller") + "-" + UUID.randomUUID().toString().substring(0, 8));
            leadership = new Leadership(identity, config.controller().leaseName());
            leadership.start(client, config.controlPlaneNamespace(), config.controller().leaseDuration(),
                    () -> executor.execute(() -> {
                        DefaultMeshConfig.ensure(client, config.controlPlaneNamespace(), config.meshConfigName());
                        writeStatusIfLeader();
                    }));
        }
    }

    void stop(@Observes ShutdownEvent event) {
        started = false;
        if (leadership != null) {
            leadership.stop();
        }
        informers.forEach(SharedIndexInformer::close);
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private <T extends HasMetadata> void inform(String kind, SharedIndexInformer<T> informer) {
        informers.add(informer);
    }

    private <T extends HasMetadata> ResourceEventHandler<T> handler(String kind) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                changed(kind);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                changed(kind);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                changed(kind);
            }
        };
    }

    private void changed(String kind) {
        metrics.event(kind);
        if (started) {
            debouncer.trigger();
        }
    }

    /** A snapshot of every informer's store: what the next compile reads. */
    public MeshInputs snapshot() {
        MeshInputs.Builder inputs = new MeshInputs.Builder();
        for (SharedIndexInformer<? extends HasMetadata> informer : informers) {
            inputs.addAll(informer.getStore().list());
        }
        return inputs.build();
    }

    private void compileSafely() {
        if (!started) {
            return;
        }
        try {
            MeshInputs inputs = snapshot();
            CompileResult result = metrics.timeCompile(() -> compiler.compile(inputs));
            last = result;
            lastInputs = inputs;
            metrics.compiled(result);
            if (distributor.publish(new Published(result.policy(), result.version()))) {
                LOG.infof("mesh=%s policy version=%s services=%d allowRules=%d diagnostics=%d subscribers=%d",
                        config.meshName(), result.version(), result.policy().getServicesCount(),
                        result.policy().getAllowRulesCount(), result.diagnostics().size(), distributor.subscriberCount());
            }
            writeStatusIfLeader();
        } catch (RuntimeException e) {
            LOG.errorf(e, "mesh=%s compile failed; keeping policy version=%s", config.meshName(),
                    distributor.current() == null ? "none" : distributor.current().version());
        }
    }

    private void writeStatusIfLeader() {
        CompileResult result = last;
        MeshInputs inputs = lastInputs;
        if (leadership == null || !leadership.isLeader() || result == null) {
            return;
        }
        Map<String, HasMetadata> current = new HashMap<>();
        for (HasMetadata r : inputs.customResources()) {
            ResourceKind kind = ResourceKind.of(r);
            current.put(StatusWriter.key(kind, r.getMetadata().getNamespace(), r.getMetadata().getName()), r);
        }
        statusWriter.write(result.statuses(), current);
    }

    public boolean isLeader() {
        return leadership != null && leadership.isLeader();
    }

    public PolicyCompiler compiler() {
        return compiler;
    }
}
