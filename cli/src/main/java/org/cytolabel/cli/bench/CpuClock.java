package org.cytolabel.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this JVM (all threads, ORT's native ones included), of its Java threads by group, and
 * of the whole machine (busy time from /proc/stat, Linux only), so a row can say where its CPU went
 * and how much other processes took meanwhile.
 */
final class CpuClock {
    /** Thread groups, in report order; "native" is the process total less every Java thread. */
    static final List<String> GROUPS = List.of("client", "server gRPC", "server compute", "netty I/O", "main",
            "other Java", "native");
    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** USER_HZ: /proc/stat counts in 1/100 s on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** A reading; -1 where unknown. */
    record Snapshot(long processNanos, long machineBusyNanos, Map<Long, Long> threadNanos, Map<Long, String> names) {
    }

    /** CPU used over an interval in nanoseconds (-1 where unknown), and the process's share by thread group. */
    record Usage(long processNanos, long othersNanos, Map<String, Long> byGroup) {
        Usage(long processNanos, long othersNanos) {
            this(processNanos, othersNanos, Map.of());
        }
    }

    private CpuClock() {
    }

    static Snapshot now() {
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        if (THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled()) {
            for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
                if (t != null) {
                    long c = THREADS.getThreadCpuTime(t.getThreadId());
                    if (c >= 0) {
                        cpu.put(t.getThreadId(), c);
                        names.put(t.getThreadId(), t.getThreadName());
                    }
                }
            }
        }
        return new Snapshot(processNanos(), machineBusyNanos(), cpu, names);
    }

    static Usage since(Snapshot start) {
        Snapshot end = now();
        long process = start.processNanos() < 0 || end.processNanos() < 0 ? -1
                : end.processNanos() - start.processNanos();
        long machine = start.machineBusyNanos() < 0 || end.machineBusyNanos() < 0 ? -1
                : end.machineBusyNanos() - start.machineBusyNanos();
        long others = process < 0 || machine < 0 ? -1 : Math.max(0, machine - process);
        Map<String, Long> groups = new LinkedHashMap<>();
        GROUPS.forEach(g -> groups.put(g, 0L));
        long java = 0;
        for (var e : end.threadNanos().entrySet()) {
            long used = e.getValue() - start.threadNanos().getOrDefault(e.getKey(), 0L);
            groups.merge(group(end.names().get(e.getKey())), used, Long::sum);
            java += used;
        }
        groups.put("native", process < 0 ? -1 : Math.max(0, process - java));
        return new Usage(process, others, groups);
    }

    /** The group of a thread, by the names gRPC, Netty, the inference service and this bench give them. */
    static String group(String name) {
        if (name.startsWith(GrpcStreamBench.CLIENT_THREAD) || name.startsWith(GrpcStreamBench.STREAM_THREAD)) {
            return "client";
        }
        if (name.startsWith("annotate-compute")) {
            return "server compute";
        }
        if (name.startsWith("grpc-default-executor")) {
            return "server gRPC";
        }
        if (name.contains("ELG") || name.contains("nio-worker") || name.contains("event-loop")) {
            return "netty I/O";
        }
        return name.equals("main") ? "main" : "other Java";
    }

    private static long processNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** user + nice + system + irq + softirq + steal over all CPUs. */
    private static long machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            if (!f[0].equals("cpu") || f.length < 9) {
                return -1;
            }
            long ticks = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                ticks += Long.parseLong(f[i]);
            }
            return ticks * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
