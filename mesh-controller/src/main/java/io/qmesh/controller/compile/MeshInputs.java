package io.qmesh.controller.compile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.qmesh.api.crd.config.MeshConfig;
import io.qmesh.api.crd.policy.Egress;
import io.qmesh.api.crd.policy.IngressBackend;
import io.qmesh.api.crd.policy.Retry;
import io.qmesh.api.crd.policy.UpstreamTrafficSetting;
import io.qmesh.api.crd.smi.HTTPRouteGroup;
import io.qmesh.api.crd.smi.TCPRoute;
import io.qmesh.api.crd.smi.TrafficSplit;
import io.qmesh.api.crd.smi.TrafficTarget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of what the informers hold, everything the compiler reads. Lists are sorted
 * by namespace and name, so the order the informers delivered objects in never shows in the output.
 * The objects are Kubernetes model beans; the compiler only reads them, and the edge hands over
 * objects it no longer changes (informer store items are replaced, never mutated).
 */
public record MeshInputs(
        List<Namespace> namespaces,
        List<Service> services,
        List<EndpointSlice> endpointSlices,
        List<Pod> pods,
        List<ServiceAccount> serviceAccounts,
        List<MeshConfig> meshConfigs,
        List<TrafficTarget> trafficTargets,
        List<HTTPRouteGroup> httpRouteGroups,
        List<TCPRoute> tcpRoutes,
        List<TrafficSplit> trafficSplits,
        List<Retry> retries,
        List<UpstreamTrafficSetting> upstreamTrafficSettings,
        List<Egress> egresses,
        List<IngressBackend> ingressBackends) {

    private static final Comparator<HasMetadata> BY_NAMESPACE_AND_NAME = Comparator
            .comparing((HasMetadata o) -> Objects.toString(o.getMetadata().getNamespace(), ""))
            .thenComparing(o -> o.getMetadata().getName());

    public MeshInputs {
        namespaces = sorted(namespaces);
        services = sorted(services);
        endpointSlices = sorted(endpointSlices);
        pods = sorted(pods);
        serviceAccounts = sorted(serviceAccounts);
        meshConfigs = sorted(meshConfigs);
        trafficTargets = sorted(trafficTargets);
        httpRouteGroups = sorted(httpRouteGroups);
        tcpRoutes = sorted(tcpRoutes);
        trafficSplits = sorted(trafficSplits);
        retries = sorted(retries);
        upstreamTrafficSettings = sorted(upstreamTrafficSettings);
        egresses = sorted(egresses);
        ingressBackends = sorted(ingressBackends);
    }

    /** Sorts a mixed bag of objects (as read from YAML or from every informer) into their lists; other kinds are ignored. */
    public static MeshInputs of(Collection<? extends HasMetadata> objects) {
        Builder b = new Builder();
        objects.forEach(b::add);
        return b.build();
    }

    /** The MeshConfig named {@code config.meshConfigName()} in the control-plane namespace, if there is one. */
    public Optional<MeshConfig> meshConfig(CompilerConfig config) {
        return meshConfigs.stream()
                .filter(m -> config.controlPlaneNamespace().equals(m.getMetadata().getNamespace())
                        && config.meshConfigName().equals(m.getMetadata().getName()))
                .findFirst();
    }

    /** Every custom resource of the inputs, for status reporting. */
    public List<HasMetadata> customResources() {
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(meshConfigs);
        all.addAll(trafficTargets);
        all.addAll(httpRouteGroups);
        all.addAll(tcpRoutes);
        all.addAll(trafficSplits);
        all.addAll(retries);
        all.addAll(upstreamTrafficSettings);
        all.addAll(egresses);
        all.addAll(ingressBackends);
        return List.copyOf(all);
    }

    private static <T extends HasMetadata> List<T> sorted(List<T> objects) {
        List<T> copy = new ArrayList<>(objects == null ? List.of() : objects);
        copy.sort(BY_NAMESPACE_AND_NAME);
        return List.copyOf(copy);
    }

    public static final class Builder {
        private final List<Namespace> namespaces = new ArrayList<>();
        private final List<Service> services = new ArrayList<>();
        private final List<EndpointSlice> endpointSlices = new ArrayList<>();
        private final List<Pod> pods = new ArrayList<>();
        private final List<ServiceAccount> serviceAccounts = new ArrayList<>();
        private final List<MeshConfig> meshConfigs = new ArrayList<>();
        private final List<TrafficTarget> trafficTargets = new ArrayList<>();
        private final List<HTTPRouteGroup> httpRouteGroups = new ArrayList<>();
        private final List<TCPRoute> tcpRoutes = new ArrayList<>();
        private final List<TrafficSplit> trafficSplits = new ArrayList<>();
        private final List<Retry> retries = new ArrayList<>();
        private final List<UpstreamTrafficSetting> upstreamTrafficSettings = new ArrayList<>();
        private final List<Egress> egresses = new ArrayList<>();
        private final List<IngressBackend> ingressBackends = new ArrayList<>();

        public Builder add(HasMetadata o) {
            if (o instanceof Namespace x) {
                namespaces.add(x);
            } else if (o instanceof Service x) {
                services.add(x);
            } else if (o instanceof EndpointSlice x) {
                endpointSlices.add(x);
            } else if (o instanceof Pod x) {
                pods.add(x);
            } else if (o instanceof ServiceAccount x) {
                serviceAccounts.add(x);
            } else if (o instanceof MeshConfig x) {
                meshConfigs.add(x);
            } else if (o instanceof TrafficTarget x) {
                trafficTargets.add(x);
            } else if (o instanceof HTTPRouteGroup x) {
                httpRouteGroups.add(x);
            } else if (o instanceof TCPRoute x) {
                tcpRoutes.add(x);
            } else if (o instanceof TrafficSplit x) {
                trafficSplits.add(x);
            } else if (o instanceof Retry x) {
                retries.add(x);
            } else if (o instanceof UpstreamTrafficSetting x) {
                upstreamTrafficSettings.add(x);
            } else if (o instanceof Egress x) {
                egresses.add(x);
            } else if (o instanceof IngressBackend x) {
                ingressBackends.add(x);
            }
            return this;
        }

        public Builder addAll(Collection<? extends HasMetadata> objects) {
            objects.forEach(this::add);
            return this;
        }

        public MeshInputs build() {
            return new MeshInputs(namespaces, services, endpointSlices, pods, serviceAccounts, meshConfigs,
                    trafficTargets, httpRouteGroups, tcpRoutes, trafficSplits, retries, upstreamTrafficSettings,
                    egresses, ingressBackends);
        }
    }
}
