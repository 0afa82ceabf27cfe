package io.qmesh.injector;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import io.qmesh.api.crd.config.MeshConfig;
import io.qmesh.injector.patch.InjectionDecision;
import io.qmesh.injector.patch.NativeSidecars;
import io.qmesh.injector.patch.SidecarSettings;
import io.qmesh.injector.patch.TrafficExclusions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * What admission reads from the cluster: the pod's namespace (labels, annotations), the MeshConfig's
 * sidecar settings and exclusion lists, and whether the cluster runs native sidecars. Namespaces and
 * the MeshConfig are cached for a few seconds, so a burst of pod creations costs few API calls.
 */
@ApplicationScoped
public class ClusterView {

    private static final Logger LOG = Logger.getLogger(ClusterView.class);
    private static final long CACHE_NANOS = 3_000_000_000L;

    private final KubernetesClient client;
    private final InjectorConfig config;
    private final Map<String, Cached<InjectionDecision.Namespace>> namespaces = new ConcurrentHashMap<>();
    private volatile Cached<SidecarSettings> settings;
    private volatile Boolean nativeSidecars;

    private record Cached<T>(T value, long loadedAt) {
        boolean fresh() {
            return System.nanoTime() - loadedAt < CACHE_NANOS;
        }
    }

    public ClusterView(KubernetesClient client, InjectorConfig config) {
        this.client = client;
        this.config = config;
    }

    public InjectionDecision.Namespace namespace(String name) {
        Cached<InjectionDecision.Namespace> cached = namespaces.get(name);
        if (cached != null && cached.fresh()) {
            return cached.value();
        }
        Namespace ns = client.namespaces().withName(name).get();
        InjectionDecision.Namespace view = ns == null
                ? new InjectionDecision.Namespace(Map.of(), Map.of())
                : new InjectionDecision.Namespace(ns.getMetadata().getLabels(), ns.getMetadata().getAnnotations());
        namespaces.put(name, new Cached<>(view, System.nanoTime()));
        return view;
    }

    public SidecarSettings settings() {
        Cached<SidecarSettings> cached = settings;
        if (cached != null && cached.fresh()) {
            return cached.value();
        }
        SidecarSettings loaded = load();
        settings = new Cached<>(loaded, System.nanoTime());
        return loaded;
    }

    private SidecarSettings load() {
        InjectorConfig.Sidecar s = config.sidecar();
        String envoyImage = s.envoyImage();
        String initImage = s.initImage();
        String logLevel = s.logLevel();
        io.fabric8.kubernetes.api.model.ResourceRequirements resources = null;
        TrafficExclusions exclusions = TrafficExclusions.NONE;
        MeshConfig meshConfig = client.resources(MeshConfig.class).inNamespace(config.controlPlaneNamespace())
                .withName(config.meshConfigName()).get();
        if (meshConfig != null && meshConfig.getSpec() != null) {
            MeshConfig.Sidecar sidecar = meshConfig.getSpec().sidecar;
            if (sidecar != null) {
                envoyImage = sidecar.envoyImage != null ? sidecar.envoyImage : envoyImage;
                initImage = sidecar.initContainerImage != null ? sidecar.initContainerImage : initImage;
                logLevel = sidecar.logLevel != null ? sidecar.logLevel : logLevel;
                resources = sidecar.resources;
            }
            MeshConfig.Traffic t = meshConfig.getSpec().traffic;
            if (t != null) {
                TrafficExclusions.Parsed parsed = TrafficExclusions.fromLists(t.outboundPortExclusionList,
                        t.inboundPortExclusionList, t.outboundIPRangeExclusionList, t.outboundIPRangeInclusionList);
                parsed.errors().forEach(e -> LOG.warnf("meshconfig=%s/%s ignores an invalid entry: %s",
                        config.controlPlaneNamespace(), config.meshConfigName(), e));
                exclusions = parsed.exclusions();
            }
        }
        return new SidecarSettings(config.meshName(), config.controlPlaneNamespace(), envoyImage, initImage, logLevel,
                resources, exclusions, s.xdsHost(), s.xdsPort(), nativeSidecars());
    }

    /** From configuration, or (auto) from the API server's version, asked once. */
    public boolean nativeSidecars() {
        String setting = config.sidecar().nativeSidecars();
        if (!"auto".equals(setting)) {
            return Boolean.parseBoolean(setting);
        }
        Boolean known = nativeSidecars;
        if (known != null) {
            return known;
        }
        boolean supported;
        try {
            VersionInfo version = client.getKubernetesVersion();
            supported = NativeSidecars.supported(version.getMajor(), version.getMinor()).orElse(false);
            LOG.infof("apiserver=%s version=%s.%s native-sidecars=%s", client.getMasterUrl(), version.getMajor(),
                    version.getMinor(), supported);
        } catch (KubernetesClientException | NullPointerException e) {
            LOG.warnf("apiserver=%s version unknown (%s): injecting Envoy as a regular container",
                    client.getMasterUrl(), e.getMessage());
            supported = false;
        }
        nativeSidecars = supported;
        return supported;
    }
}
