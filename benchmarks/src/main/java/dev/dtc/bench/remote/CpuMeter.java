package dev.dtc.bench.remote;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * CPU time a process has used so far, read at the window's start and end. On two shared cores throughput alone
 * says little about the coordinator; CPU per transaction does not depend on who else was running.
 */
interface CpuMeter {

    /** Nanoseconds of CPU used so far, or -1 if unknown. */
    long cpuNanos();

    /** This JVM: the clients and the no-op participants. */
    static CpuMeter thisJvm() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun::getProcessCpuTime;
        }
        return () -> -1;
    }

    /** Several processes together (several coordinators), or -1 if any of them is unknown. */
    static CpuMeter sum(java.util.List<CpuMeter> meters) {
        return () -> {
            long total = 0;
            for (CpuMeter m : meters) {
                long n = m.cpuNanos();
                if (n < 0) {
                    return -1;
                }
                total += n;
            }
            return total;
        };
    }

    /** Another process, as the OS reports it (user + system). */
    static CpuMeter of(ProcessHandle process) {
        return () -> process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
}
