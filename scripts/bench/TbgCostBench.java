// Java side of scripts/bench-tbg-cost: the cost of the transferable Boltzmann generator's network
// (cnf/Egnn) for one molecule, in two timings.
//
// sample: exact-likelihood sampling as bg tbg sample does it with the fixed-step solver: z from the
//   mean-free prior (MeanFreeNormal, sigma 1), RungeKutta4(steps) from t = 0 to 1 on Egnn.field(features)
//   carrying the exact divergence (velocityAndDivergence), log q = log p(z) - integral of div v; the
//   whole solve of a batch, divided by the batch: milliseconds per sample.
// train: one flow-matching step: zero the gradients, prior draws x0 and times t ~ U(0, 1), the linear path
//   (LinearPath, sigma, mean-free noise) to the data rows x1, Egnn.trainingPass, loss mean (v - u)^2,
//   backward, one Adam step (defaults, lr 1e-3): milliseconds per step, median.
//
// With a spec (.npz from tbg_torch.py spec) the network starts from PyTorch's parameters, copied in by
// name, on PyTorch's node features and data rows; first_loss, the loss on the spec's fixed draws x0, t,
// eps, is then the number the PyTorch side prints as torch_first_loss (the same network, checked at every
// run). Without a spec (no torch) the parameters are Egnn's own seeded initialisation.
//
// usage: java TbgCostBench.java <spec.npz|-> <atoms> <features> <width> <layers> <batch> <sampleBatch>
//        <rk4Steps> <warmup> <steps> <sampleRuns> <sigma>
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.cnf.Egnn;
import org.boltzmann4j.bg.cnf.LinearPath;
import org.boltzmann4j.bg.cnf.MeanFreeNormal;
import org.boltzmann4j.bg.cnf.OdeSolver;
import org.boltzmann4j.bg.cnf.RungeKutta4;
import org.boltzmann4j.bg.cnf.VectorField;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.io.Npz;
import org.boltzmann4j.bg.io.NpyArray;
import org.boltzmann4j.bg.training.Adam;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

static final double LEARNING_RATE = 1e-3;
static final long SEED = 1;

static INDArray array(NpyArray a) {
    return Nd4j.create(a.asDoubles(), Arrays.stream(a.shape()).asLongStream().toArray(), DataType.DOUBLE);
}

/** Node features without a spec: a one-hot type (i mod F - 3) and a one-hot residue position (i mod 3). */
static INDArray ownFeatures(int atoms, int features) {
    double[] f = new double[atoms * features];
    for (int i = 0; i < atoms; i++) {
        f[i * features + i % (features - 3)] = 1;
        f[i * features + features - 3 + i % 3] = 1;
    }
    return Nd4j.create(f, new long[] {atoms, features}, DataType.DOUBLE);
}

static INDArray uniform(int n, SplittableRandom rng) {
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
        t[i] = rng.nextDouble();
    }
    return Nd4j.create(t, new long[] {n}, DataType.DOUBLE);
}

static double median(double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    return s[s.length / 2];
}

static long allocatedBytes() {
    var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
        sum += Math.max(b, 0);
    }
    return sum;
}

/** CPU time of the whole process (every thread, JIT and GC included), as Python's time.process_time. */
static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
}

static String doubles(double[] a) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < a.length; i++) {
        sb.append(i == 0 ? "" : ", ").append(String.format("%.3f", a[i]));
    }
    return sb.append("]").toString();
}

void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    if (args.length != 12) {
        System.err.println("usage: TbgCostBench <spec.npz|-> <atoms> <features> <width> <layers> <batch> <sampleBatch> "
                + "<rk4Steps> <warmup> <steps> <sampleRuns> <sigma>");
        System.exit(2);
    }
    Map<String, NpyArray> spec = args[0].equals("-") ? null : Npz.read(Path.of(args[0]));
    int atoms = Integer.parseInt(args[1]), features = Integer.parseInt(args[2]), width = Integer.parseInt(args[3]);
    int layers = Integer.parseInt(args[4]), batch = Integer.parseInt(args[5]), sampleBatch = Integer.parseInt(args[6]);
    int rk4Steps = Integer.parseInt(args[7]), warmup = Integer.parseInt(args[8]), steps = Integer.parseInt(args[9]);
    int sampleRuns = Integer.parseInt(args[10]);
    double sigma = Double.parseDouble(args[11]);

    Egnn egnn = new Egnn(new Egnn.Architecture(features, width, layers), SEED);
    INDArray nodeFeatures;
    INDArray x1;
    SplittableRandom rng = new SplittableRandom(SEED + 1);
    MeanFreeNormal prior = new MeanFreeNormal(atoms, 1.0);
    Double firstLoss = null;
    LinearPath path = new LinearPath(sigma);
    if (spec != null) {
        for (Parameter p : egnn.parameters()) {
            NpyArray a = spec.get(p.name());
            if (a == null) {
                throw new IllegalArgumentException(args[0] + ": no parameter " + p.name());
            }
            p.value().assign(array(a));
        }
        nodeFeatures = array(spec.get("features"));
        x1 = array(spec.get("x1"));
        // the spec's fixed draws: x_t = (1 - t) x0 + t x1 + sigma eps, as LinearPath makes it
        INDArray x0 = array(spec.get("x0")), t = array(spec.get("t")), eps = array(spec.get("eps"));
        INDArray tc = t.reshape(t.length(), 1);
        INDArray xt = x0.mulColumnVector(tc.rsub(1)).addi(x1.mulColumnVector(tc)).addi(eps.mul(sigma));
        INDArray d = egnn.trainingPass(nodeFeatures, xt, t).velocity().sub(x1.sub(x0));
        firstLoss = d.mul(d).meanNumber().doubleValue();
    } else {
        nodeFeatures = ownFeatures(atoms, features);
        x1 = prior.sample(batch, rng).muli(0.3);
    }
    if (nodeFeatures.size(0) != atoms || nodeFeatures.size(1) != features || x1.size(0) != batch) {
        throw new IllegalArgumentException(args[0] + ": spec does not match atoms " + atoms + ", features " + features
                + ", batch " + batch);
    }

    // sampling with exact likelihood: one warm-up solve, then sampleRuns timed solves of the whole batch
    VectorField field = egnn.field(nodeFeatures);
    OdeSolver solver = new RungeKutta4(rk4Steps);
    OdeSolver.Solution warm = new RungeKutta4(1).solve(field, prior.sample(sampleBatch, rng), 0, 1, true);
    double[] sampleMs = new double[sampleRuns];
    double[] sampleCpuMs = new double[sampleRuns];
    double meanLogQ = Double.NaN;
    int evaluations = 0;
    for (int r = 0; r < sampleRuns; r++) {
        INDArray z = prior.sample(sampleBatch, rng);
        long c0 = cpuNanos();
        long t0 = System.nanoTime();
        OdeSolver.Solution s = solver.solve(field, z, 0, 1, true);
        INDArray logQ = prior.logProb(z).subi(s.integratedDivergence());
        sampleMs[r] = (System.nanoTime() - t0) / 1e6 / sampleBatch;
        sampleCpuMs[r] = (cpuNanos() - c0) / 1e6 / sampleBatch;
        meanLogQ = logQ.meanNumber().doubleValue();
        evaluations = s.functionEvaluations();
    }

    // training: warm-up steps, then the median of the timed steps
    Map<String, Parameter> named = new LinkedHashMap<>();
    for (Parameter p : egnn.parameters()) {
        named.put(p.name(), p);
    }
    Adam adam = new Adam(named, Adam.Settings.defaults());
    List<Parameter> parameters = egnn.parameters();
    double[] trainMs = new double[steps];
    double[] trainCpuMs = new double[steps];
    double lastLoss = Double.NaN;
    long allocated0 = 0;
    for (int k = 0; k < warmup + steps; k++) {
        if (k == warmup) {
            allocated0 = allocatedBytes();
        }
        long c0 = cpuNanos();
        long t0 = System.nanoTime();
        for (Parameter p : parameters) {
            p.zeroGrad();
        }
        INDArray x0 = prior.sample(batch, rng);
        INDArray t = uniform(batch, rng);
        LinearPath.Point point = path.sample(x0, x1, t, rng, true);
        Egnn.TrainingPass pass = egnn.trainingPass(nodeFeatures, point.xt(), t);
        INDArray d = pass.velocity().sub(point.target());
        lastLoss = d.mul(d).meanNumber().doubleValue();
        pass.backward(d.muli(2.0 / d.length()));
        adam.step(LEARNING_RATE);
        if (k >= warmup) {
            trainMs[k - warmup] = (System.nanoTime() - t0) / 1e6;
            trainCpuMs[k - warmup] = (cpuNanos() - c0) / 1e6;
        }
    }
    double bytesPerStep = (allocatedBytes() - allocated0) / (double) steps;

    System.out.println(String.format("{\"sample_ms\": %.4f, \"sample_ms_runs\": %s, \"sample_cpu_ms\": %.4f, \"function_evaluations\": %d, "
            + "\"mean_log_q\": %.6f, \"warmup_solve_evaluations\": %d, \"train_step_ms\": %.4f, \"train_step_ms_runs\": %s, \"train_step_cpu_ms\": %.4f, "
            + "\"first_loss\": %s, \"last_loss\": %.6f, \"allocated_bytes_per_step\": %.0f, \"solver\": \"%s\"}",
            median(sampleMs), doubles(sampleMs), median(sampleCpuMs), evaluations, meanLogQ, warm.functionEvaluations(),
            median(trainMs), doubles(trainMs), median(trainCpuMs), firstLoss == null ? "null" : String.format("%.17g", firstLoss), lastLoss, bytesPerStep,
            solver.describe()));
}
