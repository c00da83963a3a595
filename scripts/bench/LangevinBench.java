import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.Integrator;
import org.boltzmann4j.openmm.OpenMMSystem;

/**
 * Java side of scripts/bench-langevin: Context.step(chunk) in a loop on the Reference platform
 * (LangevinMiddle 300 K, 1/ps, 1 fs, stepped by native/ with a generator per context).
 * Args: system.xml positions.bin steps chunk rounds. Prints the best ns/day as JSON.
 */
public class LangevinBench {
    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[2]), chunk = Integer.parseInt(args[3]), rounds = Integer.parseInt(args[4]);
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(Path.of(args[1]))).order(ByteOrder.LITTLE_ENDIAN);
        double[] x = new double[raw.remaining() / 8];
        raw.asDoubleBuffer().get(x);
        try (OpenMMSystem system = OpenMMSystem.load(Path.of(args[0]));
                Context context = new Context(system, "Reference", Map.of(), Integrator.langevinMiddle(300, 1, 0.001, 1))) {
            context.setPositions(x);
            context.setVelocitiesToTemperature(300, 1);
            context.step(steps / 10);
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int done = 0; done < steps; done += chunk) context.step(Math.min(chunk, steps - done));
                best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
            }
            System.out.printf("{\"java_ns_per_day\": %.2f}%n", steps * 0.001 / 1000 / (best / 86400));
        }
    }
}
