package io.qmesh.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time this JVM has used, for benchmarks that say where the time went: the whole process, the
 * part no Java thread accounts for (JIT compiler, GC, threads that have ended), and Java threads
 * grouped by name prefix. Take one before and one after the measured work and subtract.
 */
public record CpuUse(double processMillis, double javaThreadMillis, Map<String, Double> byPrefixMillis) {

    /** Now, with Java threads whose names start with one of {@code prefixes} summed per prefix. */
    public static CpuUse now(String... prefixes) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double all = 0;
        Map<String, Double> byPrefix = new LinkedHashMap<>();
        for (String prefix : prefixes) {
            byPrefix.put(prefix, 0.0);
        }
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            long nanos = info == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
            if (nanos < 0) {
                continue;
            }
            all += nanos / 1e6;
            for (String prefix : prefixes) {
                if (info.getThreadName().startsWith(prefix)) {
                    byPrefix.merge(prefix, nanos / 1e6, Double::sum);
                    break;
                }
            }
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new CpuUse(os.getProcessCpuTime() / 1e6, all, byPrefix);
    }

    /** What was used between {@code before} and this. */
    public CpuUse minus(CpuUse before) {
        Map<String, Double> byPrefix = new LinkedHashMap<>();
        byPrefixMillis.forEach((prefix, millis) -> byPrefix.put(prefix, millis - before.byPrefixMillis.getOrDefault(prefix, 0.0)));
        return new CpuUse(processMillis - before.processMillis, javaThreadMillis - before.javaThreadMillis, byPrefix);
    }

    /** CPU outside the Java threads still running: JIT compiler and GC threads, and threads that ended. */
    public double outsideJavaThreadsMillis() {
        return processMillis - javaThreadMillis;
    }

    public double millis(String prefix) {
        return byPrefixMillis.getOrDefault(prefix, 0.0);
    }
}
