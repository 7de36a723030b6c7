package dev.keymint.sdk.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/** The date and machine a generated benchmark table was measured on. */
final class MachineFacts {

    private MachineFacts() {
    }

    /**
     * For example "2026-11-23, 2 cores, Java 17.0.15, AMD EPYC, load average 1.2 at the start": the
     * load says whether other processes competed for the cores (throughput then drifts with them).
     */
    static String describe() {
        return "%s, %d cores, Java %s, %s, load average %.1f at the start".formatted(LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), cpuModel(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
