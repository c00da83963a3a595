// Java side of scripts/bench-energy, run by the java source launcher with boltzmann4j on the
// class path: microseconds per energy+force evaluation through the Java API on one thread
// (Context: the batch call, n configurations in one call, and one configuration per call) and
// through the pool (ContextPool, all cores), best of the repeats.
//
// usage: java EnergyBench.java system.xml positions.bin n_configs repeats platform threads
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.ContextPool;
import org.boltzmann4j.openmm.OpenMMSystem;

void main(String[] args) throws Exception {
    Path xml = Path.of(args[0]);
    byte[] raw = Files.readAllBytes(Path.of(args[1]));
    int n = Integer.parseInt(args[2]), repeats = Integer.parseInt(args[3]);
    String platform = args[4];
    int threads = Integer.parseInt(args[5]);
    double[] x = new double[raw.length / 8];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(x);
    try (OpenMMSystem system = OpenMMSystem.load(xml);
            Context context = Context.forEnergies(system, platform, Map.of());
            ContextPool pool = new ContextPool(system, platform, Map.of(), threads)) {
        int p = system.numParticles();
        if (x.length != n * p * 3) throw new IllegalArgumentException("positions.bin holds " + x.length + " values, expected " + n * p * 3);
        double[] e = new double[n], f = new double[n * p * 3];
        double batch = Double.MAX_VALUE, single = Double.MAX_VALUE, pooled = Double.MAX_VALUE;
        // one configuration per call, as the C++ loop and Python do
        double[] one = new double[p * 3], e1 = new double[1], f1 = new double[p * 3];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            for (int c = 0; c < n; c++) {
                System.arraycopy(x, c * p * 3, one, 0, p * 3);
                context.evaluate(one, 1, e1, f1);
            }
            single = Math.min(single, (System.nanoTime() - t0) / 1e3 / n);
            long tb = System.nanoTime();
            context.evaluate(x, n, e, f);
            batch = Math.min(batch, (System.nanoTime() - tb) / 1e3 / n);
            long t1 = System.nanoTime();
            pool.evaluate(x, n, e, f);
            pooled = Math.min(pooled, (System.nanoTime() - t1) / 1e3 / n);
        }
        System.out.printf("{\"java_us\": %.4f, \"java_single_call_us\": %.4f, \"java_pool_us\": %.4f, \"threads\": %d}%n", batch, single,
                pooled, pool.threads());
    }
}
