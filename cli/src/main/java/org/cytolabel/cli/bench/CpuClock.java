package org.cytolabel.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this JVM (all threads, ORT's native ones included) and of the whole machine (busy
 * time from /proc/stat, Linux only), so a row can say how much CPU other processes took meanwhile.
 */
final class CpuClock {
    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** USER_HZ: /proc/stat counts in 1/100 s on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    /** A reading; -1 where unknown. */
    record Snapshot(long processNanos, long machineBusyNanos) {
    }

    /** CPU used over an interval, in nanoseconds; -1 where unknown. */
    record Usage(long processNanos, long othersNanos) {
    }

    private CpuClock() {
    }

    static Snapshot now() {
        return new Snapshot(processNanos(), machineBusyNanos());
    }

    static Usage since(Snapshot start) {
        Snapshot end = now();
        long process = start.processNanos() < 0 || end.processNanos() < 0 ? -1
                : end.processNanos() - start.processNanos();
        long machine = start.machineBusyNanos() < 0 || end.machineBusyNanos() < 0 ? -1
                : end.machineBusyNanos() - start.machineBusyNanos();
        long others = process < 0 || machine < 0 ? -1 : Math.max(0, machine - process);
        return new Usage(process, others);
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
            String line = Files.readAllLines(PROC_STAT).get(0);
            String[] f = line.trim().split("\\s+");
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
