package io.qmesh.demo;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What a buyer counts: purchases per bookstore version, failures per reason. Thread-safe. */
public final class Counters {

    private final Map<String, LongAdder> successByVersion = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failureByReason = new ConcurrentHashMap<>();
    private volatile String lastError = "";

    public void success(String version) {
        successByVersion.computeIfAbsent(version, v -> new LongAdder()).increment();
    }

    public void failure(String reason, String detail) {
        failureByReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
        lastError = reason + ": " + detail;
    }

    public Map<String, Long> successes() {
        return snapshot(successByVersion);
    }

    public Map<String, Long> failures() {
        return snapshot(failureByReason);
    }

    public String lastError() {
        return lastError;
    }

    /** {@code {"success":{"v1":3},"failure":{"PERMISSION_DENIED":2},"lastError":"..."}}. */
    public String toJson() {
        return "{\"success\":" + json(successes()) + ",\"failure\":" + json(failures())
                + ",\"lastError\":\"" + lastError.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
        Map<String, Long> copy = new TreeMap<>();
        counters.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    private static String json(Map<String, Long> map) {
        StringBuilder out = new StringBuilder("{");
        map.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return out.append('}').toString();
    }
}
