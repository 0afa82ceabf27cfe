package io.qmesh.injector.patch;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Moves the application's probes onto Envoy: HTTP liveness, readiness and startup probes to 15901,
 * 15902, 15903 under a path naming the container; TCP probes to HTTP checks on 15904. The inbound
 * redirect would otherwise send the kubelet's plain-text probes into Envoy's mTLS listener. HTTPS and
 * gRPC probes, and probes on a port name the container does not declare, are left as they are.
 */
public final class ProbeRewrites {

    public static final int LIVENESS_PORT = 15901;
    public static final int READINESS_PORT = 15902;
    public static final int STARTUP_PORT = 15903;
    public static final int TCP_PORT = 15904;

    public enum Kind {
        LIVENESS("livenessProbe", LIVENESS_PORT, "liveness"),
        READINESS("readinessProbe", READINESS_PORT, "readiness"),
        STARTUP("startupProbe", STARTUP_PORT, "startup");

        final String field;
        final int port;
        final String word;

        Kind(String field, int port, String word) {
            this.field = field;
            this.port = port;
            this.word = word;
        }

        public String field() {
            return field;
        }
    }

    /** A probe of container {@code containerIndex} replaced by {@code probe}. */
    public record Rewrite(int containerIndex, Kind kind, Probe probe) {
    }

    public record Result(List<Rewrite> rewrites, List<ProbeRoute> routes) {
        public Result {
            rewrites = List.copyOf(rewrites);
            routes = List.copyOf(routes);
        }
    }

    private ProbeRewrites() {
    }

    public static Result of(List<Container> containers) {
        List<Rewrite> rewrites = new ArrayList<>();
        List<ProbeRoute> routes = new ArrayList<>();
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            int index = i;
            for (Kind kind : Kind.values()) {
                Probe probe = switch (kind) {
                    case LIVENESS -> c.getLivenessProbe();
                    case READINESS -> c.getReadinessProbe();
                    case STARTUP -> c.getStartupProbe();
                };
                if (probe != null) {
                    rewrite(c, kind, probe).ifPresent(r -> {
                        routes.add(r.route());
                        rewrites.add(new Rewrite(index, kind, r.probe()));
                    });
                }
            }
        }
        List<ProbeRoute> sorted = routes.stream().distinct()
                .sorted(java.util.Comparator.comparingInt(ProbeRoute::listenerPort).thenComparing(ProbeRoute::path))
                .toList();
        return new Result(rewrites, sorted);
    }

    private record Rewritten(Probe probe, ProbeRoute route) {
    }

    private static Optional<Rewritten> rewrite(Container c, Kind kind, Probe probe) {
        if (probe.getHttpGet() != null) {
            HTTPGetAction get = probe.getHttpGet();
            if (get.getScheme() != null && !"HTTP".equalsIgnoreCase(get.getScheme())) {
                return Optional.empty();
            }
            Optional<Integer> port = resolve(c, get.getPort());
            if (port.isEmpty()) {
                return Optional.empty();
            }
            String path = "/qmesh-" + kind.word + "-probe/" + c.getName();
            String target = get.getPath() == null || get.getPath().isEmpty() ? "/" : get.getPath();
            Probe moved = new ProbeBuilder(probe).withHttpGet(new HTTPGetActionBuilder(get)
                    .withHost(null).withScheme("HTTP").withPath(path).withPort(new IntOrString(kind.port)).build()).build();
            return Optional.of(new Rewritten(moved, ProbeRoute.http(kind.port, path, port.get(), target)));
        }
        if (probe.getTcpSocket() != null && probe.getTcpSocket().getHost() == null) {
            Optional<Integer> port = resolve(c, probe.getTcpSocket().getPort());
            if (port.isEmpty()) {
                return Optional.empty();
            }
            String path = "/qmesh-tcp-probe/" + port.get();
            Probe moved = new ProbeBuilder(probe).withTcpSocket(null).withHttpGet(new HTTPGetActionBuilder()
                    .withScheme("HTTP").withPath(path).withPort(new IntOrString(TCP_PORT)).build()).build();
            return Optional.of(new Rewritten(moved, ProbeRoute.tcp(TCP_PORT, path, port.get())));
        }
        return Optional.empty();
    }

    /** A probe port: a number, or the name of one of the container's ports. */
    static Optional<Integer> resolve(Container c, IntOrString port) {
        if (port == null) {
            return Optional.empty();
        }
        if (port.getIntVal() != null) {
            return Optional.of(port.getIntVal());
        }
        String name = port.getStrVal();
        if (name != null && name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
            return Optional.of(Integer.parseInt(name));
        }
        return c.getPorts() == null ? Optional.empty() : c.getPorts().stream()
                .filter(p -> name != null && name.equals(p.getName())).map(ContainerPort::getContainerPort).findFirst();
    }
}
