package io.qmesh.injector.patch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which traffic bypasses Envoy: outbound and inbound ports, outbound IP ranges, and (when not empty)
 * the only outbound IP ranges that are redirected. Sorted and free of duplicates, so the rendered
 * iptables script is deterministic.
 */
public record TrafficExclusions(SortedSet<Integer> outboundPorts, SortedSet<Integer> inboundPorts,
        SortedSet<String> outboundIpRanges, SortedSet<String> outboundIpRangesIncluded) {

    public static final String OUTBOUND_PORTS = "qmesh.io/outbound-port-exclusion-list";
    public static final String INBOUND_PORTS = "qmesh.io/inbound-port-exclusion-list";
    public static final String OUTBOUND_IP_RANGES = "qmesh.io/outbound-ip-range-exclusion-list";
    public static final String OUTBOUND_IP_RANGES_INCLUDED = "qmesh.io/outbound-ip-range-inclusion-list";

    private static final Pattern IPV4_CIDR = Pattern.compile(
            "^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)/(3[0-2]|[12]?\\d)$");

    public static final TrafficExclusions NONE = new TrafficExclusions(new TreeSet<>(), new TreeSet<>(),
            new TreeSet<>(), new TreeSet<>());

    public TrafficExclusions {
        outboundPorts = unmodifiable(outboundPorts);
        inboundPorts = unmodifiable(inboundPorts);
        outboundIpRanges = unmodifiable(outboundIpRanges);
        outboundIpRangesIncluded = unmodifiable(outboundIpRangesIncluded);
    }

    /** The union of both: mesh-wide lists merged with a pod's. */
    public TrafficExclusions merge(TrafficExclusions other) {
        return new TrafficExclusions(union(outboundPorts, other.outboundPorts), union(inboundPorts, other.inboundPorts),
                union(outboundIpRanges, other.outboundIpRanges),
                union(outboundIpRangesIncluded, other.outboundIpRangesIncluded));
    }

    /** A parse result: the exclusions, or the user errors that name the annotation and the bad entry. */
    public record Parsed(TrafficExclusions exclusions, List<String> errors) {
        public Parsed {
            errors = List.copyOf(errors);
        }
    }

    /** Reads the four exclusion annotations (comma-separated lists); an absent annotation is empty. */
    public static Parsed fromAnnotations(Map<String, String> annotations) {
        List<String> errors = new ArrayList<>();
        TrafficExclusions result = new TrafficExclusions(
                ports(annotations.get(OUTBOUND_PORTS), OUTBOUND_PORTS, errors),
                ports(annotations.get(INBOUND_PORTS), INBOUND_PORTS, errors),
                cidrs(annotations.get(OUTBOUND_IP_RANGES), OUTBOUND_IP_RANGES, errors),
                cidrs(annotations.get(OUTBOUND_IP_RANGES_INCLUDED), OUTBOUND_IP_RANGES_INCLUDED, errors));
        return new Parsed(result, errors);
    }

    /** Mesh-wide lists (MeshConfig spec.traffic); invalid entries become errors naming the field. */
    public static Parsed fromLists(List<Integer> outboundPorts, List<Integer> inboundPorts,
            List<String> outboundIpRanges, List<String> outboundIpRangesIncluded) {
        List<String> errors = new ArrayList<>();
        TrafficExclusions result = new TrafficExclusions(
                ports(join(outboundPorts), "spec.traffic.outboundPortExclusionList", errors),
                ports(join(inboundPorts), "spec.traffic.inboundPortExclusionList", errors),
                cidrs(join(outboundIpRanges), "spec.traffic.outboundIPRangeExclusionList", errors),
                cidrs(join(outboundIpRangesIncluded), "spec.traffic.outboundIPRangeInclusionList", errors));
        return new Parsed(result, errors);
    }

    private static String join(List<?> values) {
        return values == null ? null : String.join(",", values.stream().map(String::valueOf).toList());
    }

    private static SortedSet<Integer> ports(String list, String field, List<String> errors) {
        SortedSet<Integer> ports = new TreeSet<>();
        for (String entry : entries(list)) {
            try {
                int port = Integer.parseInt(entry);
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                ports.add(port);
            } catch (NumberFormatException e) {
                errors.add(field + ": '" + entry + "' is not a port number (1-65535)");
            }
        }
        return ports;
    }

    private static SortedSet<String> cidrs(String list, String field, List<String> errors) {
        SortedSet<String> cidrs = new TreeSet<>();
        for (String entry : entries(list)) {
            if (IPV4_CIDR.matcher(entry).matches()) {
                cidrs.add(entry);
            } else {
                errors.add(field + ": '" + entry + "' is not an IPv4 CIDR range (e.g. 10.0.0.0/8)");
            }
        }
        return cidrs;
    }

    private static List<String> entries(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static <T extends Comparable<T>> SortedSet<T> union(SortedSet<T> a, SortedSet<T> b) {
        SortedSet<T> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }

    private static <T extends Comparable<T>> SortedSet<T> unmodifiable(SortedSet<T> set) {
        return java.util.Collections.unmodifiableSortedSet(new TreeSet<>(set == null ? new TreeSet<>() : set));
    }
}
