package org.boltzmann4j.openmm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ten million evaluations through the Java API must not grow native memory: a leak of even
 * 8 bytes per call would add 80 MB of resident memory.
 */
class NativeMemoryTest {
    private static long residentKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D+", ""));
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void tenMillionEvaluationsDoNotGrowResidentMemory() throws Exception {
        try (OpenMMSystem system = Toy.triatomic(); Context context = Context.forEnergies(system, "Reference", Map.of())) {
            double[] x = Toy.configuration(0);
            double[] e = new double[1], f = new double[9];
            for (int i = 0; i < 200_000; i++) context.evaluate(x, 1, e, f); // warm-up: JIT, allocator pools
            System.gc();
            long before = residentKb();
            double sum = 0;
            for (int i = 0; i < 10_000_000; i++) {
                x[0] = 0.1 + 1e-9 * (i % 1000);
                context.evaluate(x, 1, e, f);
                sum += e[0];
            }
            System.gc();
            long after = residentKb();
            assertTrue(Double.isFinite(sum));
            System.out.printf("NativeMemoryTest: RSS %d kB -> %d kB after 1e7 evaluations%n", before, after);
            assertTrue(after - before < 16_384, "resident memory grew by " + (after - before) + " kB");
        }
    }
}
