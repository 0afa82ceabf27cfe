package io.qmesh.xds.serve;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Proxy groups whose proxies stay on an earlier configuration after a policy: their new one failed to
 * generate or its snapshot was inconsistent. The rest of the mesh moves on; these are tried again with
 * every later policy until they succeed. Reported as {@code qmesh_xds_stale_groups} (how many now),
 * {@code qmesh_xds_group_failures_total{reason}}, listed with their causes by {@code /debug/xds/status},
 * and logged once per distinct cause: an ERROR with its stack trace when the cause is new and a WARN
 * while it persists.
 */
public final class StaleGroups {

    private static final Logger LOG = Logger.getLogger(StaleGroups.class);
    private static final int GROUPS_NAMED = 5;

    /** A group on an earlier configuration: why ({@code generate} or {@code inconsistent}) and the cause. */
    public record Stale(String group, String reason, String cause) {
    }

    private final XdsMetrics metrics;
    /** Causes reported by the previous policy: repeated ones are logged without their stack trace. */
    private Set<String> lastCauses = Set.of();
    private volatile List<Stale> current = List.of();

    StaleGroups(XdsMetrics metrics) {
        this.metrics = metrics;
    }

    /** Called on the policy thread with the failures of one policy (group key → cause). */
    void report(String version, Map<String, RuntimeException> failed, Map<String, String> inconsistent) {
        metrics.groupFailures("generate", failed.size());
        metrics.groupFailures("inconsistent", inconsistent.size());
        metrics.staleGroups(failed.size() + inconsistent.size());
        List<Stale> stale = new ArrayList<>();
        failed.forEach((group, e) -> stale.add(new Stale(group, "generate", String.valueOf(e))));
        inconsistent.forEach((group, cause) -> stale.add(new Stale(group, "inconsistent", cause)));
        current = List.copyOf(stale);
        Set<String> causes = new HashSet<>();
        byCause(failed, String::valueOf).forEach((cause, keys) -> log(version,
                "keep their previous configuration, generating it failed", cause, keys, failed.get(keys.get(0)), causes));
        byCause(inconsistent, c -> c).forEach((cause, keys) -> log(version,
                "keep their previous snapshot, the new one is inconsistent", cause, keys, null, causes));
        if (causes.isEmpty() && !lastCauses.isEmpty()) {
            LOG.infof("policy=%s: every proxy group has its current configuration again", version);
        }
        lastCauses = causes;
    }

    /** The groups on an earlier configuration after the last policy, by group key. */
    List<Stale> current() {
        return current;
    }

    private void log(String version, String what, String cause, List<String> keys, Throwable error, Set<String> causes) {
        boolean newCause = causes.add(cause) && !lastCauses.contains(cause);
        if (newCause && error != null) {
            // the line ends with the exception, which is the cause: not written twice
            LOG.errorf(error, "policy=%s: %d proxy group(s) %s; groups: %s", version, keys.size(), what, named(keys));
        } else if (newCause) {
            LOG.errorf("policy=%s: %d proxy group(s) %s: %s; groups: %s", version, keys.size(), what, cause, named(keys));
        } else {
            LOG.warnf("policy=%s: %d proxy group(s) %s: %s; groups: %s", version, keys.size(), what, cause, named(keys));
        }
    }

    private static <T> Map<String, List<String>> byCause(Map<String, T> failures, Function<T, String> cause) {
        return failures.entrySet().stream().collect(Collectors.groupingBy(e -> cause.apply(e.getValue()), TreeMap::new,
                Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
    }

    private static String named(List<String> keys) {
        String named = String.join(", ", keys.subList(0, Math.min(GROUPS_NAMED, keys.size())));
        return keys.size() > GROUPS_NAMED ? named + " and " + (keys.size() - GROUPS_NAMED) + " more" : named;
    }
}
