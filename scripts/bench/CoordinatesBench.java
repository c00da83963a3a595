// Java side of scripts/bench-coordinates: milliseconds per forward pass + backward pass, and per
// inverse pass, of the internal-coordinate map of alanine dipeptide (InternalCoordinates from the
// bundled structure's Z-matrix, 22 atoms, 66 coordinates) on a batch of bundled MD frames, median
// of the timed repetitions after a warm-up. Prints one JSON object. (This was a timing assertion in
// InternalCoordinatesTest: speed lives in benchmarks, not tests.)
//
// usage: java CoordinatesBench.java <batch> <warmup> <reps>
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.boltzmann4j.bg.coordinates.InternalCoordinates;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Pdb;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

static final Path SYSTEMS = Path.of("bg/src/main/resources/org/boltzmann4j/bg/systems");

void main(String[] args) throws Exception {
    int batch = Integer.parseInt(args[0]), warmup = Integer.parseInt(args[1]), reps = Integer.parseInt(args[2]);
    var structure = Pdb.read(SYSTEMS.resolve("aldp-implicit.pdb"));
    InternalCoordinates ic = new InternalCoordinates(MolecularModel.zMatrixOf(structure.topology()));
    Frames frames = Dcd.read(SYSTEMS.resolve("aldp-implicit-md.dcd")).frames();
    int d = 3 * structure.topology().atomCount();
    double[] all = frames.xyz(), x = new double[batch * d];
    for (int i = 0; i < x.length; i++) x[i] = all[i % (frames.frames() * d)]; // the MD frames repeated
    INDArray xs = Nd4j.create(x, new long[] {batch, d}, 'c');
    INDArray z = ic.inverse(xs).output();
    INDArray g = Nd4j.ones(DataType.DOUBLE, batch, d);
    double[] fb = new double[reps], inv = new double[reps];
    for (int r = -warmup; r < reps; r++) {
        long t0 = System.nanoTime();
        ic.forwardPass(z).backward(g, null);
        long t1 = System.nanoTime();
        ic.inversePass(xs).output();
        long t2 = System.nanoTime();
        if (r >= 0) {
            fb[r] = (t1 - t0) / 1e6;
            inv[r] = (t2 - t1) / 1e6;
        }
    }
    System.out.printf(Locale.ROOT, "{\"benchmark\": \"internal-coordinates\", \"system\": \"aldp-implicit\", \"atoms\": %d, \"batch\": %d, "
            + "\"reps\": %d, \"forward_backward_ms\": %.3f, \"inverse_ms\": %.3f}%n", d / 3, batch, reps, median(fb), median(inv));
}

static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
