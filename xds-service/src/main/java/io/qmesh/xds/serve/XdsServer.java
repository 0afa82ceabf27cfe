package io.qmesh.xds.serve;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.envoyproxy.controlplane.cache.SnapshotConsistencyException;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.qmesh.api.Identity;
import io.qmesh.api.mesh.v1.MeshPolicy;
import io.qmesh.runtime.DaemonThreads;
import io.qmesh.xds.generate.GroupConfig;
import io.qmesh.xds.generate.MeshConfigs;
import io.qmesh.xds.generate.ProxyGroup;
import io.qmesh.xds.generate.ProxylessReferences;
import io.qmesh.xds.proxy.ProxyAdmission;
import io.qmesh.xds.proxy.ProxyNode;
import io.qmesh.xds.policy.PolicyHolder;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Turns each MeshPolicy into per-group snapshots in java-control-plane's cache: only the groups the
 * update touched are regenerated, each snapshot is checked with {@code ensureConsistent()} before it
 * is set, and a snapshot whose versions did not change is not set at all. Policy and secret updates
 * run one at a time on one thread, which owns {@link #configs} and {@link #snapshots}.
 */
@ApplicationScoped
public class XdsServer {

    private static final Logger LOG = Logger.getLogger(XdsServer.class);
    static final String UNKNOWN_GROUP = "";

    private final PolicyHolder holder;
    private final SecretStore secrets;
    private final XdsMetrics metrics;
    private final Streams streams = new Streams();
    private final ShardedCache cache;
    private final PushExecutors pushExecutors;
    private final V3DiscoveryServer discovery;
    private final ExecutorService updates = Executors.newSingleThreadExecutor(DaemonThreads.named("xds-policy"));
    private final Map<String, GroupSnapshot> snapshots = new ConcurrentHashMap<>();
    private volatile MeshConfigs configs = MeshConfigs.empty();
    private volatile MeshConfigs proxyless = MeshConfigs.emptyProxyless();
    /** Counts the policies applied, after {@link #configs} has been set: the memo of {@link #groupOf} is valid for one. */
    private volatile long applied;
    /**
     * Each stream's group, computed once per policy: during a fleet-wide change every proxy's node is
     * grouped several times (its ACKs, its watches, the regroup check). Keyed by the node's identity,
     * which stays the same for a stream's life, and weakly, so a closed stream's entry goes with it.
     */
    private final Cache<Node, Grouped> grouped = CacheBuilder.newBuilder().weakKeys().build();

    private record Grouped(long applied, String key) {
    }
    /** Groups with a proxyless workload connected: only these get (and keep regenerating) proxyless configuration. */
    private final Set<String> proxylessGroups = ConcurrentHashMap.newKeySet();
    private final StaleGroups staleGroups;
    private final List<Runnable> appliedListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    XdsServer(PolicyHolder holder, SecretStore secrets, XdsMetrics metrics,
            @ConfigProperty(name = "qmesh.xds.push-threads", defaultValue = "4") int pushThreads) {
        this.holder = holder;
        this.secrets = secrets;
        this.metrics = metrics;
        this.staleGroups = new StaleGroups(metrics);
        this.pushExecutors = new PushExecutors(pushThreads);
        this.cache = new ShardedCache(pushThreads, this::groupOf);
        this.discovery = new PackedResources().server(List.of(new XdsCallbacks(streams, metrics, this::groupOf)), cache,
                pushExecutors);
        secrets.onChange(change -> updates.execute(() -> refreshSecrets(change.identity())));
        streams.onConverged(metrics::converged);
    }

    void shutdown(@Observes ShutdownEvent event) {
        updates.shutdownNow();
        pushExecutors.close();
    }

    public V3DiscoveryServer discovery() {
        return discovery;
    }

    public Streams streams() {
        return streams;
    }

    /**
     * Applies a policy (asynchronously, in order); completes with the incremental step taken. A policy
     * that cannot be applied is logged and counted, and every proxy keeps its configuration.
     */
    public CompletableFuture<MeshConfigs.Step> apply(String version, MeshPolicy policy) {
        long received = System.nanoTime();
        return CompletableFuture.supplyAsync(() -> applyNow(version, policy, received), updates).whenComplete((step, error) -> {
            if (error != null) {
                metrics.applyFailed();
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                LOG.errorf(cause, "policy=%s not applied (%s); proxies keep the configuration of policy=%s", version, cause,
                        holder.current().map(h -> h.version()).orElse("none"));
            }
        });
    }

    private MeshConfigs.Step applyNow(String version, MeshPolicy policy, long received) {
        MeshConfigs.Step step = configs.next(policy);
        MeshConfigs.Step proxylessStep = proxyless.next(policy, g -> proxylessGroups.contains(g.key()));
        Set<String> changed = new TreeSet<>();
        Map<String, GroupSnapshot> next = new java.util.TreeMap<>();
        String trustDomain = step.configs().index().trustDomain();
        Map<String, GroupConfig> regeneratedConfigs = new java.util.TreeMap<>();
        step.regenerated().forEach(key -> regeneratedConfigs.put(key, step.configs().groups().get(key)));
        proxylessStep.regenerated().forEach(key -> regeneratedConfigs.put(key, proxylessStep.configs().groups().get(key)));
        List<String> regenerated = List.copyOf(regeneratedConfigs.keySet());
        // snapshots built and checked on every core; set below only when their versions changed
        record Built(GroupSnapshot snapshot, Optional<String> inconsistency) {
        }
        List<Built> built = (regenerated.size() > 8 ? regenerated.parallelStream() : regenerated.stream())
                .map(key -> {
                    GroupConfig config = regeneratedConfigs.get(key);
                    // proxyless workloads read their certificates from files, not over SDS
                    List<io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret> groupSecrets = isProxyless(key)
                            ? List.of() : secrets.secretsFor(config.group().identity(), trustDomain);
                    GroupSnapshot snapshot = GroupSnapshot.of(config, groupSecrets, snapshots.get(key));
                    return new Built(snapshot, inconsistency(key, config, snapshot));
                }).toList();
        Map<String, String> inconsistent = new java.util.TreeMap<>();
        for (int i = 0; i < regenerated.size(); i++) {
            String key = regenerated.get(i);
            GroupSnapshot previous = snapshots.get(key);
            Built b = built.get(i);
            if (b.inconsistency().isPresent()) {
                inconsistent.put(key, b.inconsistency().get());
            } else if (previous == null || !sameVersions(previous, b.snapshot())) {
                changed.add(key);
                next.put(key, b.snapshot());
            }
        }
        metrics.generated(System.nanoTime() - received);
        Map<String, RuntimeException> failed = new java.util.TreeMap<>(step.failed());
        failed.putAll(proxylessStep.failed());
        staleGroups.report(version, failed, inconsistent);
        // a group kept on its previous snapshot is tried again with every later policy
        configs = step.configs().retrying(inconsistent.keySet());
        proxyless = proxylessStep.configs().retrying(inconsistent.keySet());
        applied++;
        Optional<Streams.Round> round = streams.begin(received, changed);
        snapshots.putAll(next);
        cache.setSnapshots(next);
        // the round can complete once the pushes setSnapshots queued have gone out
        round.ifPresent(r -> pushExecutors.afterQueued().thenRun(() -> streams.arm(r)));
        for (String key : union(step.removed(), proxylessStep.removed())) {
            snapshots.remove(key);
            cache.clearSnapshot(key);
        }
        metrics.groups(snapshots.size());
        holder.hold(version, policy);
        appliedListeners.forEach(Runnable::run);
        LOG.infof("applied policy=%s groups=%d regenerated=%d changed=%d removed=%d in %.1f ms", version,
                step.configs().groups().size(), step.regenerated().size(), changed.size(), step.removed().size(),
                (System.nanoTime() - received) / 1e6);
        return step;
    }

    private void refreshSecrets(Optional<Identity> identity) {
        String trustDomain = configs.index().trustDomain();
        configs.groups().forEach((key, config) -> {
            if (identity.isPresent() && !identity.get().equals(config.group().identity())) {
                return;
            }
            GroupSnapshot current = snapshots.get(key);
            if (current != null) {
                GroupSnapshot renewed = current.withSecrets(secrets.secretsFor(config.group().identity(), trustDomain));
                snapshots.put(key, renewed);
                cache.setSnapshot(key, renewed);
            }
        });
    }

    private static boolean isProxyless(String key) {
        return key.startsWith(MeshConfigs.PROXYLESS_PREFIX);
    }

    /**
     * Envoy snapshots pass java-control-plane's {@code ensureConsistent()}; proxyless ones our own
     * reference check, since ensureConsistent() does not follow RDS from API listeners.
     */
    private static Optional<String> inconsistency(String key, GroupConfig config, GroupSnapshot snapshot) {
        if (isProxyless(key)) {
            List<String> dangling = ProxylessReferences.dangling(config);
            return dangling.isEmpty() ? Optional.empty() : Optional.of("dangling references " + dangling);
        }
        try {
            snapshot.ensureConsistent();
            return Optional.empty();
        } catch (SnapshotConsistencyException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static boolean sameVersions(GroupSnapshot a, GroupSnapshot b) {
        return a.clusters().version().equals(b.clusters().version())
                && a.endpoints().version().equals(b.endpoints().version())
                && a.listeners().version().equals(b.listeners().version())
                && a.routes().version().equals(b.routes().version())
                && a.secrets().version().equals(b.secrets().version());
    }

    /** The node group of a proxy: the group of the pod its node names, {@code ""} when unknown. */
    String groupOf(Node node) {
        long now = applied;
        Grouped memo = grouped.getIfPresent(node);
        if (memo != null && memo.applied() == now) {
            return memo.key();
        }
        String key = groupOfNow(node);
        grouped.put(node, new Grouped(now, key));
        return key;
    }

    private String groupOfNow(Node node) {
        ProxyNode.Result parsed = ProxyNode.parse(node);
        if (!parsed.ok()) {
            return UNKNOWN_GROUP;
        }
        Optional<ProxyGroup> group = configs.groupOf(parsed.node().pod());
        if (group.isEmpty()) {
            return UNKNOWN_GROUP;
        }
        if (!ProxyNode.isProxyless(node)) {
            return configs.keyOf(group.get());
        }
        if (proxylessGroups.add(group.get().key())) {
            // first proxyless workload of this group: generate its configuration on the policy thread
            updates.execute(() -> holder.current().ifPresent(held -> applyNow(held.version(), held.policy(), System.nanoTime())));
        }
        return proxyless.keyOf(group.get());
    }

    /** Whether a proxy may have config, judged against the current policy. */
    public ProxyAdmission.Decision admit(ProxyNode node, Optional<Identity> peer) {
        return ProxyAdmission.decide(node, peer, configs.index());
    }

    public String trustDomain() {
        return configs.index().trustDomain();
    }

    public Optional<GroupSnapshot> snapshot(String group) {
        return Optional.ofNullable(snapshots.get(group));
    }

    /** The groups whose proxies stay on an earlier configuration after the last policy, and why. */
    public List<StaleGroups.Stale> staleGroups() {
        return staleGroups.current();
    }

    /** Keys of the groups that have a snapshot now (Envoy and proxyless), sorted. */
    public Set<String> groups() {
        return new TreeSet<>(snapshots.keySet());
    }

    /** Called on the policy thread after each policy has been applied (groups and snapshots are current). */
    public void onApplied(Runnable listener) {
        appliedListeners.add(listener);
    }

    /** Called with the identities of every group now, and again after each policy. */
    public void onIdentities(java.util.function.Consumer<Set<Identity>> listener) {
        onApplied(() -> listener.accept(identities()));
        listener.accept(identities());
    }

    /** Identities of every current group: the certificates xds-service must hold. */
    public Set<Identity> identities() {
        Set<Identity> result = new TreeSet<>();
        configs.groups().values().forEach(c -> result.add(c.group().identity()));
        return result;
    }
}
