// Java side of scripts/bench-flow: milliseconds per maximum-likelihood training step of the
// standard alanine dipeptide flow (FlowArchitecture.standard("internal", 1): 8 spline couplings
// of 8 bins with [256, 256] SiLU conditioners over 60 internal coordinates, 19 of them circular,
// permutations, CircularShift, fixed ElementwiseAffine, CanonicalInternalCoordinates 60 -> 66).
//
// One step is what Trainer.runUntil does for training by example: zero the gradients,
// MaximumLikelihood.backward on a batch of MD frames (flow inverse pass x -> z, base log-density,
// backward through the flow), global gradient-norm clipping (max norm 100, as bg train) and one
// Adam step. float64 runs the whole flow as MolecularFlow.build makes it. float32 assembles the
// same layers in float32 (same seeds) except the internal-coordinate map, which has no float32
// version: it runs in float64 on the frames inside the timed step (its inverse, no backward,
// since it has no parameters) and its output is cast to float32.
//
// usage: java FlowBench.java time <batches,...> <float64|float32,...> <warmup> <steps> [profile]
//        java FlowBench.java spec <out.json>     (architecture, normalisation and frames for the
//                                                  PyTorch reference, bench_flow_torch.py)
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.coordinates.CanonicalInternalCoordinates;
import org.boltzmann4j.bg.coordinates.InternalCoordinateDomain;
import org.boltzmann4j.bg.coordinates.InternalCoordinateLayout;
import org.boltzmann4j.bg.coordinates.ZMatrix;
import org.boltzmann4j.bg.flow.CircularShift;
import org.boltzmann4j.bg.flow.Coupling;
import org.boltzmann4j.bg.flow.CouplingMask;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.ElementwiseAffine;
import org.boltzmann4j.bg.flow.Flow;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.Permutation;
import org.boltzmann4j.bg.flow.RationalQuadraticSplineCoupling;
import org.boltzmann4j.bg.flow.Transform;
import org.boltzmann4j.bg.generator.FlowArchitecture;
import org.boltzmann4j.bg.generator.MolecularFlow;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.training.Adam;
import org.boltzmann4j.bg.training.GradientClipping;
import org.boltzmann4j.bg.training.Loss;
import org.boltzmann4j.bg.training.MaximumLikelihood;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

static final Path SYSTEMS = Path.of("bg/src/main/resources/org/boltzmann4j/bg/systems");
static final double CLIP_NORM = 100;
static final double LEARNING_RATE = 1e-3;

record Setup(int atoms, ZMatrix zMatrix, FlowArchitecture architecture, MolecularFlow.Normalization normalization,
        Frames frames) {}

static Setup setup() throws Exception {
    var structure = Pdb.read(SYSTEMS.resolve("aldp-implicit.pdb"));
    ZMatrix zMatrix = MolecularModel.zMatrixOf(structure.topology());
    Frames frames = Dcd.read(SYSTEMS.resolve("aldp-implicit-md.dcd")).frames();
    int atoms = frames.atoms();
    FlowArchitecture architecture = FlowArchitecture.standard("internal", 1);
    INDArray x = Nd4j.create(frames.xyz(), new long[] {frames.frames(), 3L * atoms}, DataType.DOUBLE);
    var normalization = MolecularFlow.fit(atoms, zMatrix, architecture, x);
    return new Setup(atoms, zMatrix, architecture, normalization, frames);
}

/** A batch of n frames drawn with replacement (the file has fewer frames than the largest batch). */
static INDArray batch(Frames frames, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 3 * frames.atoms();
    double[] b = new double[n * d];
    for (int r = 0; r < n; r++) {
        System.arraycopy(frames.xyz(), rng.nextInt(frames.frames()) * d, b, r * d, d);
    }
    return Nd4j.create(b, new long[] {n, d}, DataType.DOUBLE);
}

/** The layers of the float64 flow rebuilt in float32, without the internal-coordinate map. */
static Flow float32Stack(Flow flow, boolean[] dataCircular) {
    List<Transform> layers = new ArrayList<>();
    for (Transform t : flow.transforms()) {
        switch (t) {
            case RationalQuadraticSplineCoupling c -> {
                var f = RationalQuadraticSplineCoupling.builder(c.mask(), 0).bins(c.bins()).bound(c.bound())
                        .hidden(hidden(c)).dataType(DataType.FLOAT).build();
                // same initial values as the float64 coupling (its seed is not exposed)
                for (int i = 0; i < c.parameters().size(); i++) {
                    f.parameters().get(i).value().assign(c.parameters().get(i).value().castTo(DataType.FLOAT));
                }
                layers.add(f);
            }
            case Permutation p -> layers.add(p.withDataType(DataType.FLOAT));
            case CircularShift s -> layers.add(new CircularShift(s.shift(), dataCircular, DataType.FLOAT));
            case ElementwiseAffine a -> layers.add(ElementwiseAffine.fixed(read(a.shift()), read(a.logScale()), DataType.FLOAT));
            case CanonicalInternalCoordinates ic -> { }
            case InternalCoordinateDomain dm -> { }
            default -> throw new IllegalStateException("unexpected layer " + t);
        }
    }
    return new Flow(layers);
}

static int[] hidden(Coupling c) {
    List<Parameter> ps = c.parameters();
    int[] h = new int[ps.size() / 2 - 1];
    for (int i = 0; i < h.length; i++) {
        h[i] = (int) ps.get(2 * i).value().size(1);
    }
    return h;
}

static double[] read(INDArray a) {
    return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
}

/** One benchmark configuration: the flow to train, its optimizer and how a frame batch enters it. */
final class Bench {
    final Flow flow;
    final Flow outside; // float32: the float64 domain and internal-coordinate maps in front
    final Distribution base;
    final MaximumLikelihood loss;
    final Adam adam;
    final List<Parameter> parameters;
    final INDArray[] batches;

    Bench(Setup s, int n, DataType type) {
        var built = MolecularFlow.build(s.atoms(), s.zMatrix(), s.architecture(), s.normalization());
        base = built.base();
        if (type == DataType.DOUBLE) {
            flow = built.flow();
            outside = null;
        } else {
            flow = float32Stack(built.flow(), MolecularFlow.circular(s.atoms(), s.zMatrix(), s.architecture(), s.normalization().bounded()));
            List<Transform> all = built.flow().transforms();
            outside = new Flow(all.subList(all.size() - 2, all.size()));
        }
        loss = new MaximumLikelihood(base, flow);
        adam = Adam.of(flow, Adam.Settings.defaults());
        parameters = List.copyOf(adam.parameters().values());
        batches = new INDArray[8];
        for (int b = 0; b < batches.length; b++) {
            batches[b] = batch(s.frames(), n, 17 + b);
        }
    }

    /** One training step as Trainer.runUntil makes it; returns the loss. */
    double step(int k) {
        for (Parameter p : parameters) {
            p.zeroGrad();
        }
        INDArray x = batches[k % batches.length];
        double icTerm = 0;
        if (outside != null) {
            Transform.Result ic = outside.inverse(x);
            x = ic.output();
            icTerm = ic.logDet().meanNumber().doubleValue(); // reported, not trained: no parameters
        }
        Loss.Report r = loss.backward(new Loss.Batch(k, x, null));
        GradientClipping.clip(parameters, CLIP_NORM);
        adam.step(LEARNING_RATE);
        return r.loss() - icTerm;
    }
}

void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    Setup s = setup();
    if (args[0].equals("spec")) {
        writeSpec(s, Path.of(args[1]));
        return;
    }
    int[] sizes = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
    String[] types = args[2].split(",");
    int warmup = Integer.parseInt(args[3]);
    int steps = Integer.parseInt(args[4]);
    boolean profile = args.length > 5 && args[5].equals("profile");
    for (int n : sizes) {
        for (String t : types) {
            DataType type = t.equals("float32") ? DataType.FLOAT : DataType.DOUBLE;
            Bench b = new Bench(s, n, type);
            double first = b.step(0);
            for (int k = 1; k < warmup; k++) {
                b.step(k);
            }
            double[] ms = new double[steps];
            double last = Double.NaN;
            long allocated0 = allocatedBytes();
            for (int k = 0; k < steps; k++) {
                long t0 = System.nanoTime();
                last = b.step(warmup + k);
                ms[k] = (System.nanoTime() - t0) / 1e6;
            }
            double bytesPerStep = (allocatedBytes() - allocated0) / (double) steps;
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            StringBuilder json = new StringBuilder();
            json.append(String.format("{\"batch\": %d, \"dtype\": \"%s\", \"step_ms\": %.3f, \"step_ms_mean\": %.3f, "
                    + "\"step_ms_min\": %.3f, \"steps\": %d, \"warmup\": %d, \"first_loss\": %.10f, \"last_loss\": %.6f, "
                    + "\"allocated_bytes_per_step\": %.0f",
                    n, t, sorted[steps / 2], Arrays.stream(ms).average().orElse(Double.NaN), sorted[0], steps, warmup,
                    first, last, bytesPerStep));
            if (profile) {
                json.append(", \"profile_ms\": ").append(profile(b, warmup + steps, Math.max(5, steps / 2)));
            }
            System.out.println(json.append("}"));
        }
    }
}

/**
 * Java heap bytes allocated so far by all live threads (the caller and the fork-join workers that
 * run the row blocks); native memory (ND4J buffers) is not counted.
 */
static long allocatedBytes() {
    var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
        sum += Math.max(b, 0);
    }
    return sum;
}

/** Mean milliseconds of each phase of a step, the flow's layers one by one. */
String profile(Bench b, int k0, int steps) {
    List<Transform> layers = b.flow.transforms();
    int m = layers.size();
    double[] inv = new double[m];
    double[] back = new double[m];
    double zero = 0, outside = 0, lossMs = 0, clip = 0, adam = 0;
    for (int k = 0; k < steps; k++) {
        long t0 = System.nanoTime();
        for (Parameter p : b.parameters) {
            p.zeroGrad();
        }
        long t1 = System.nanoTime();
        INDArray x = b.batches[(k0 + k) % b.batches.length];
        if (b.outside != null) {
            x = b.outside.inverse(x).output().castTo(b.flow.dataType());
        }
        long t2 = System.nanoTime();
        zero += (t1 - t0) / 1e6;
        outside += (t2 - t1) / 1e6;
        Transform.Pass[] passes = new Transform.Pass[m];
        INDArray cur = x;
        INDArray logDet = Nd4j.zeros(DataType.DOUBLE, cur.size(0));
        for (int i = m - 1; i >= 0; i--) {
            long a = System.nanoTime();
            passes[i] = layers.get(i).inversePass(cur);
            logDet.addi(passes[i].logDet());
            cur = passes[i].output();
            inv[i] += (System.nanoTime() - a) / 1e6;
        }
        long a = System.nanoTime();
        int n = (int) cur.size(0);
        Distribution base = b.base;
        INDArray z = cur.castTo(DataType.DOUBLE);
        base.logProb(z).addi(logDet).meanNumber().doubleValue();
        INDArray g = base.gradLogProb(z).muli(-1.0 / n).castTo(b.flow.dataType());
        INDArray gl = Nd4j.valueArrayOf(new long[] {n}, -1.0 / n, DataType.DOUBLE);
        lossMs += (System.nanoTime() - a) / 1e6;
        for (int i = 0; i < m; i++) {
            long c = System.nanoTime();
            g = passes[i].backward(g, gl);
            back[i] += (System.nanoTime() - c) / 1e6;
        }
        long c = System.nanoTime();
        GradientClipping.clip(b.parameters, CLIP_NORM);
        long d = System.nanoTime();
        b.adam.step(LEARNING_RATE);
        long e = System.nanoTime();
        clip += (d - c) / 1e6;
        adam += (e - d) / 1e6;
    }
    StringBuilder sb = new StringBuilder("{");
    sb.append(String.format("\"zero_grad\": %.3f, \"ic_outside\": %.3f, \"loss\": %.3f, \"clip\": %.3f, \"adam\": %.3f, \"layers\": [",
            zero / steps, outside / steps, lossMs / steps, clip / steps, adam / steps));
    for (int i = 0; i < m; i++) {
        sb.append(String.format("%s{\"layer\": \"%s\", \"inverse\": %.3f, \"backward\": %.3f}", i == 0 ? "" : ", ",
                layers.get(i).getClass().getSimpleName(), inv[i] / steps, back[i] / steps));
    }
    return sb.append("]}").toString();
}

static CanonicalInternalCoordinates ic(MolecularFlow.Built built) {
    return (CanonicalInternalCoordinates) built.flow().transforms().getLast();
}

/** InternalCoordinateDomain's map as data: bonds exp, interval coordinates lo + width sigmoid. */
static String domainSpec(InternalCoordinateLayout layout, MolecularFlow.Normalization normalization) {
    List<Integer> interval = new ArrayList<>();
    List<Double> lo = new ArrayList<>(), width = new ArrayList<>();
    List<Boolean> periodic = new ArrayList<>();
    for (int i : layout.angleIndices()) {
        interval.add(i);
        lo.add(0.0);
        width.add(Math.PI);
        periodic.add(false);
    }
    boolean[] bounded = normalization.bounded();
    for (int i = 0; i < bounded.length; i++) {
        if (bounded[i]) {
            interval.add(i);
            lo.add(normalization.torsionCentre()[i] - Math.PI);
            width.add(2 * Math.PI);
            periodic.add(true);
        }
    }
    return "{\"type\": \"domain\", \"bonds\": " + Arrays.toString(layout.bondIndices()) + ", \"interval\": " + interval
            + ", \"lo\": " + lo + ", \"width\": " + width + ", \"periodic\": " + periodic + "}";
}

/** Everything bench_flow_torch.py needs to build the same flow: JSON, frames included. */
void writeSpec(Setup s, Path out) throws Exception {
    var built = MolecularFlow.build(s.atoms(), s.zMatrix(), s.architecture(), s.normalization());
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("\"atoms\": ").append(s.atoms()).append(",\n");
    sb.append("\"reference_atoms\": ").append(Arrays.toString(s.zMatrix().referenceAtoms())).append(",\n");
    sb.append("\"rows\": ").append(Arrays.deepToString(s.zMatrix().rows())).append(",\n");
    sb.append("\"latent_circular\": ").append(Arrays.toString(built.circular())).append(",\n");
    sb.append("\"bins\": ").append(s.architecture().bins()).append(", \"bound\": ").append(s.architecture().splineBound())
            .append(", \"hidden\": ").append(Arrays.toString(s.architecture().hidden())).append(",\n");
    sb.append("\"layers\": [\n");
    List<Transform> layers = built.flow().transforms();
    for (int i = 0; i < layers.size(); i++) {
        Transform t = layers.get(i);
        String entry = switch (t) {
            case RationalQuadraticSplineCoupling c -> "{\"type\": \"coupling\", \"transformed\": "
                    + Arrays.toString(c.mask().transformed()) + ", \"circular\": " + Arrays.toString(c.mask().circular()) + "}";
            case Permutation p -> "{\"type\": \"permutation\", \"order\": " + Arrays.toString(p.order()) + "}";
            case CircularShift c -> "{\"type\": \"circular_shift\", \"shift\": " + Arrays.toString(c.shift())
                    + ", \"circular\": " + Arrays.toString(MolecularFlow.circular(s.atoms(), s.zMatrix(), s.architecture(), s.normalization().bounded())) + "}";
            case ElementwiseAffine a -> "{\"type\": \"affine\", \"shift\": " + Arrays.toString(read(a.shift()))
                    + ", \"log_scale\": " + Arrays.toString(read(a.logScale())) + "}";
            case CanonicalInternalCoordinates ic -> "{\"type\": \"internal_coordinates\"}";
            case InternalCoordinateDomain dm -> domainSpec(ic(built).layout(), s.normalization());
            default -> throw new IllegalStateException("unexpected layer " + t);
        };
        sb.append(entry).append(i + 1 < layers.size() ? ",\n" : "\n");
    }
    sb.append("],\n");
    INDArray all = Nd4j.create(s.frames().xyz(), new long[] {s.frames().frames(), 3L * s.atoms()}, DataType.DOUBLE);
    double nll = new MaximumLikelihood(built.base(), built.flow()).meanNll(all, 4096);
    sb.append("\"check_nll_all_frames\": ").append(nll).append(",\n");
    sb.append("\"frames\": ").append(s.frames().frames()).append(",\n");
    sb.append("\"xyz\": ").append(Arrays.toString(s.frames().xyz())).append("\n}\n");
    Files.writeString(out, sb.toString());
}
