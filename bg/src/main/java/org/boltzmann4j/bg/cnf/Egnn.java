package org.boltzmann4j.bg.cnf;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The E(3)-equivariant graph network (EGNN, Satorras et al. 2021, as the TBG uses it) on the fully
 * connected graph of one molecule: node features (N, F) and time in, a centre-of-mass-free velocity
 * (B, 3N) out. Architecture, parameter names and initialisation: /work/brief/tbg.md (mirrored by
 * scripts/bench/tbg_torch.py).
 *
 * <p>Kernels work per sample on heap arrays (edges x width), products by {@link Dgemm}; samples run in
 * parallel on the common pool, each computed the same way whatever the thread count. The first
 * layer of each edge MLP is split by rows of its weight: [h_i, h_j, d, d0] W = h_i W_i + h_j W_j +
 * d w_d + d0 w_d0, so that the two products run on the N nodes rather than on the N (N - 1) edges.
 *
 * <p>The exact divergence ({@link #field}) is forward mode: the tangents of all 3N input directions
 * travel through the network together, as an extra axis of length 3N, so that the work is products
 * of (edges x 3N, H) blocks. Two structural facts make it cheaper than 3N passes: in the first layer
 * the node features do not depend on x and every edge sees x only through its squared distance
 * (d = d0 there), so one scalar tangent per edge suffices; in the last layer only the diagonal
 * d v_(a,c) / d x_(a,c) is needed, which involves only the edges of atom a, and no node update.
 * The mean removal drops out of the trace exactly: y = x^L - x^0 is invariant under translations,
 * so J 1_c = 0 for the translation 1_c along each axis and tr(P J) = tr(J) - (1/N) sum_c 1_c^T J 1_c
 * = tr(J), with P = I - (1/N) 11^T per axis.
 */
public final class Egnn {

    /** nodeFeatures F (the conditioning vocabulary's width), width H, layers L. */
    public record Architecture(int nodeFeatures, int width, int layers) {
        public Architecture {
            if (nodeFeatures <= 0) throw new IllegalArgumentException("node features must be > 0, got " + nodeFeatures);
            if (width <= 0) throw new IllegalArgumentException("--width must be > 0, got " + width);
            if (layers <= 0) throw new IllegalArgumentException("--layers must be > 0, got " + layers);
        }
    }

    // per layer, in parameters() order
    private static final int E1W = 0, E1B = 1, E2W = 2, E2B = 3, GW = 4, GB = 5, C1W = 6, C1B = 7, C2W = 8, N1W = 9,
            N1B = 10, N2W = 11, N2B = 12, PER_LAYER = 13;
    private static final String[] NAMES = {"edge1.w", "edge1.b", "edge2.w", "edge2.b", "gate.w", "gate.b", "coord1.w",
        "coord1.b", "coord2.w", "node1.w", "node1.b", "node2.w", "node2.b"};

    private final Architecture architecture;
    private final List<Parameter> parameters;
    /**
     * Edge arrays of finished training passes, by length, for the next passes: a pass keeps six
     * (E, H) arrays per layer and sample, which would otherwise be allocated, zeroed and copied
     * by the collector on every step.
     */
    private final java.util.concurrent.ConcurrentHashMap<Integer, java.util.concurrent.ConcurrentLinkedDeque<double[]>> spare =
            new java.util.concurrent.ConcurrentHashMap<>();

    public Egnn(Architecture architecture, long seed) {
        this.architecture = architecture;
        int f = architecture.nodeFeatures();
        int h = architecture.width();
        List<Parameter> all = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(seed);
        all.add(uniform("embed.w", f + 1, h, 1 / Math.sqrt(f + 1), rng));
        all.add(uniform("embed.b", 0, h, 1 / Math.sqrt(f + 1), rng));
        double inv1 = 1 / Math.sqrt(2 * h + 2);
        double invH = 1 / Math.sqrt(h);
        double inv2H = 1 / Math.sqrt(2 * h);
        for (int l = 0; l < architecture.layers(); l++) {
            String p = "layer" + l + ".";
            all.add(uniform(p + NAMES[E1W], 2 * h + 2, h, inv1, rng));
            all.add(uniform(p + NAMES[E1B], 0, h, inv1, rng));
            all.add(uniform(p + NAMES[E2W], h, h, invH, rng));
            all.add(uniform(p + NAMES[E2B], 0, h, invH, rng));
            all.add(uniform(p + NAMES[GW], h, 1, invH, rng));
            all.add(uniform(p + NAMES[GB], 0, 1, invH, rng));
            all.add(uniform(p + NAMES[C1W], h, h, invH, rng));
            all.add(uniform(p + NAMES[C1B], 0, h, invH, rng));
            all.add(uniform(p + NAMES[C2W], h, 1, 0.001, rng));
            all.add(uniform(p + NAMES[N1W], 2 * h, h, inv2H, rng));
            all.add(uniform(p + NAMES[N1B], 0, h, inv2H, rng));
            all.add(uniform(p + NAMES[N2W], h, h, invH, rng));
            all.add(uniform(p + NAMES[N2B], 0, h, invH, rng));
        }
        this.parameters = List.copyOf(all);
    }

    /** rows 0: a bias vector of length columns; otherwise a (rows, columns) matrix; entries uniform(-bound, bound). */
    private static Parameter uniform(String name, int rows, int columns, double bound, SplittableRandom rng) {
        int n = Math.max(rows, 1) * columns;
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = bound * (2 * rng.nextDouble() - 1);
        }
        INDArray value = rows == 0 ? Batches.vector(v) : Batches.matrix(v, rows, columns, DataType.DOUBLE);
        return new Parameter(name, value);
    }

    public Architecture architecture() {
        return architecture;
    }

    /** Every weight, named as in the brief ("embed.w", "layer0.edge1.w", ...), float64. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The network bound to one molecule (node features (N, F)): a field on rows of length 3N with exact divergence. */
    public VectorField field(INDArray nodeFeatures) {
        double[] features = features(nodeFeatures);
        int atoms = (int) nodeFeatures.size(0);
        return new VectorField() {
            @Override
            public int dimension() {
                return 3 * atoms;
            }

            @Override
            public INDArray velocity(INDArray x, double t) {
                return run(features, atoms, x, t, false).velocity();
            }

            @Override
            public WithDivergence velocityAndDivergence(INDArray x, double t) {
                return run(features, atoms, x, t, true);
            }
        };
    }

    /**
     * A training pass: velocities of x (B, 3N) at per-row times t (B); {@link TrainingPass#backward}
     * accumulates d loss / d parameter into the parameters' grads (adds, so groups of molecules of
     * different sizes accumulate into one step).
     */
    public TrainingPass trainingPass(INDArray nodeFeatures, INDArray x, INDArray t) {
        double[] features = features(nodeFeatures);
        int atoms = (int) nodeFeatures.size(0);
        int batch = Batches.requireBatch(x, 3 * atoms, DataType.DOUBLE, "Egnn.trainingPass x");
        if (t == null || t.length() != batch) {
            throw new IllegalArgumentException("Egnn.trainingPass: expected " + batch + " times, got "
                    + (t == null ? "null" : java.util.Arrays.toString(t.shape())));
        }
        Net net = new Net(snapshot(), features, atoms);
        double[] xs = Batches.toDoubles(x);
        double[] ts = Batches.toDoubles(t);
        int d = 3 * atoms;
        double[] v = new double[batch * d];
        Tape[] tapes = new Tape[batch];
        IntStream.range(0, batch).parallel().forEach(b -> {
            Workspace ws = Workspace.get(atoms, architecture.width());
            tapes[b] = new Tape(architecture.layers(), spare);
            net.forward(ws, xs, b * d, ts[b], v, b * d, tapes[b]);
        });
        INDArray velocity = Batches.matrix(v, batch, d, DataType.DOUBLE);
        return new TrainingPass() {
            @Override
            public INDArray velocity() {
                return velocity;
            }

            private boolean done;

            @Override
            public void backward(INDArray gradVelocity) {
                if (done) {
                    throw new IllegalStateException("Egnn: backward already ran on this training pass (its "
                            + "activations are released then); make a new pass");
                }
                done = true;
                double[] g = Batches.toDoubles(Batches.gradient(gradVelocity, batch, d, DataType.DOUBLE, "Egnn.backward"));
                // fixed blocks of samples, each with its own gradient sums, added in block order: the
                // result does not depend on the thread count
                int blocks = Math.min(batch, 16);
                double[][][] sums = new double[blocks][][];
                IntStream.range(0, blocks).parallel().forEach(k -> {
                    double[][] acc = net.zeroLike();
                    Workspace ws = Workspace.get(atoms, architecture.width());
                    for (int b = k * batch / blocks; b < (k + 1) * batch / blocks; b++) {
                        net.backward(ws, xs, b * d, ts[b], g, b * d, tapes[b], acc);
                    }
                    sums[k] = acc;
                });
                for (int q = 0; q < parameters.size(); q++) {
                    DoubleBuffer grad = Batches.doubles(parameters.get(q).grad());
                    int n = grad.capacity();
                    double[] total = new double[n];
                    grad.get(0, total, 0, n);
                    for (double[][] s : sums) {
                        double[] sq = s[q];
                        for (int k = 0; k < n; k++) {
                            total[k] += sq[k];
                        }
                    }
                    grad.put(0, total, 0, n);
                }
                for (Tape tape : tapes) {
                    tape.release();
                }
            }
        };
    }

    /**
     * Forward results of a training pass and its backward, which runs once: it hands the pass's
     * activations to the next passes (a second backward is an error).
     */
    public interface TrainingPass {
        INDArray velocity();

        void backward(INDArray gradVelocity);
    }

    private double[] features(INDArray nodeFeatures) {
        if (nodeFeatures == null || nodeFeatures.rank() != 2 || nodeFeatures.size(1) != architecture.nodeFeatures()
                || nodeFeatures.size(0) < 2) {
            throw new IllegalArgumentException("Egnn: node features must be (N >= 2, " + architecture.nodeFeatures()
                    + "), got " + (nodeFeatures == null ? "null" : java.util.Arrays.toString(nodeFeatures.shape())));
        }
        return Batches.toDoubles(nodeFeatures);
    }

    private double[][] snapshot() {
        double[][] w = new double[parameters.size()][];
        for (int q = 0; q < w.length; q++) {
            w[q] = Batches.toDoubles(parameters.get(q).value());
        }
        return w;
    }

    private VectorField.WithDivergence run(double[] features, int atoms, INDArray x, double t, boolean divergence) {
        int d = 3 * atoms;
        int batch = Batches.requireBatch(x, d, DataType.DOUBLE, "Egnn.field");
        Net net = new Net(snapshot(), features, atoms);
        double[] xs = Batches.toDoubles(x);
        double[] v = new double[batch * d];
        double[] div = divergence ? new double[batch] : null;
        IntStream.range(0, batch).parallel().forEach(b -> {
            Workspace ws = Workspace.get(atoms, architecture.width());
            if (divergence) {
                div[b] = net.divergence(ws, xs, b * d, t, v, b * d);
            } else {
                net.forward(ws, xs, b * d, t, v, b * d, null);
            }
        });
        return new VectorField.WithDivergence(Batches.matrix(v, batch, d, DataType.DOUBLE),
                divergence ? Batches.vector(div) : null);
    }

    /**
     * What backward needs of one sample's forward: per layer its inputs and the edges' activations
     * with their slopes (kept rather than recomputed: the exponentials are the costly part).
     */
    private static final class Tape {
        final double[][] x;
        final double[][] h;
        final double[][] m;
        final double[][] npre;
        final double[][] edgeA;
        final double[][] edgeSA;
        final double[][] edgeM;
        final double[][] edgeSM;
        final double[][] edgeQ;
        final double[][] edgeSQ;
        final double[][] gate;
        final double[][] coord;

        private final java.util.concurrent.ConcurrentHashMap<Integer, java.util.concurrent.ConcurrentLinkedDeque<double[]>> spare;

        Tape(int layers, java.util.concurrent.ConcurrentHashMap<Integer, java.util.concurrent.ConcurrentLinkedDeque<double[]>> spare) {
            this.spare = spare;
            x = new double[layers][];
            h = new double[layers][];
            m = new double[layers][];
            npre = new double[layers][];
            edgeA = new double[layers][];
            edgeSA = new double[layers][];
            edgeM = new double[layers][];
            edgeSM = new double[layers][];
            edgeQ = new double[layers][];
            edgeSQ = new double[layers][];
            gate = new double[layers][];
            coord = new double[layers][];
        }

        /** Points the workspace's edge arrays of layer l at new arrays kept here. */
        void allocate(Workspace ws, int l, int edges, int width) {
            int eh = edges * width;
            // every entry is written by the forward before it is read: spare arrays need no clearing
            ws.a = edgeA[l] = take(eh);
            ws.sA = edgeSA[l] = take(eh);
            ws.m = edgeM[l] = take(eh);
            ws.sM = edgeSM[l] = take(eh);
            ws.q = edgeQ[l] = take(eh);
            ws.sQ = edgeSQ[l] = take(eh);
            ws.gate = gate[l] = take(edges);
            ws.coord = coord[l] = take(edges);
        }

        private double[] take(int length) {
            java.util.concurrent.ConcurrentLinkedDeque<double[]> q = spare.get(length);
            double[] a = q == null ? null : q.pollLast();
            return a != null ? a : new double[length];
        }

        /** Hands the edge arrays to the next passes. */
        void release() {
            for (double[][] kind : new double[][][] {edgeA, edgeSA, edgeM, edgeSM, edgeQ, edgeSQ, gate, coord}) {
                for (int l = 0; l < kind.length; l++) {
                    if (kind[l] != null) {
                        spare.computeIfAbsent(kind[l].length, k -> new java.util.concurrent.ConcurrentLinkedDeque<>())
                                .addLast(kind[l]);
                        kind[l] = null;
                    }
                }
            }
        }

        /** Points the workspace's edge arrays at layer l's. */
        void restore(Workspace ws, int l) {
            ws.a = edgeA[l];
            ws.sA = edgeSA[l];
            ws.m = edgeM[l];
            ws.sM = edgeSM[l];
            ws.q = edgeQ[l];
            ws.sQ = edgeSQ[l];
            ws.gate = gate[l];
            ws.coord = coord[l];
        }
    }

    /** One thread's scratch arrays for a molecule of N atoms at width H (reused from call to call). */
    private static final class Workspace {
        private static final ThreadLocal<Workspace> CURRENT = new ThreadLocal<>();

        final int atoms;
        final int width;
        final int edges;
        final int dirs;
        // node level (N, H) and coordinates (3N)
        final double[] x;
        final double[] xNew;
        final double[] h;
        final double[] pi;
        final double[] pj;
        final double[] mSum;
        final double[] npre;
        final double[] nAct;
        final double[] nSlope;
        final double[] nodeTmp;
        final double[] nodeTmp2;
        // edge level (E, 3) and (E)
        final double[] r;
        final double[] r0;
        final double[] dist;
        final double[] dist0;
        final double[] phi;
        final double[] dphi;
        double[] gate;
        final double[] gateSlope;
        double[] coord;
        final double[] edgeTmp;
        // edge level (E, H)
        double[] preA;
        double[] preM;
        double[] preQ;
        double[] a;
        double[] sA;
        double[] m;
        double[] sM;
        final double[] mg;
        double[] q;
        double[] sQ;
        final double[] e1;
        final double[] e2;
        final double[] e3;
        final double[] edgeScalar;
        final double[] ownPreA;
        final double[] ownPreM;
        final double[] ownPreQ;
        // tangents: node level (N, 3N, H), coordinates (N, 3N, 3), and a block of edge rows
        double[] th;
        double[] tpi;
        double[] tpj;
        double[] tm;
        double[] tn;
        double[] tx;
        double[] txNew;
        double[] t1;
        double[] t2;
        double[] rowDd;
        double[] rowDr;
        int blockNeighbours;

        private Workspace(int atoms, int width) {
            this.atoms = atoms;
            this.width = width;
            this.edges = atoms * (atoms - 1);
            this.dirs = 3 * atoms;
            int nh = atoms * width;
            int eh = edges * width;
            x = new double[dirs];
            xNew = new double[dirs];
            h = new double[nh];
            pi = new double[nh];
            pj = new double[nh];
            mSum = new double[nh];
            npre = new double[nh];
            nAct = new double[nh];
            nSlope = new double[nh];
            nodeTmp = new double[nh];
            nodeTmp2 = new double[nh];
            r = new double[3 * edges];
            r0 = new double[3 * edges];
            dist = new double[edges];
            dist0 = new double[edges];
            phi = new double[edges];
            dphi = new double[edges];
            gate = new double[edges];
            gateSlope = new double[edges];
            coord = new double[edges];
            edgeTmp = new double[3 * edges];
            ownPreA = new double[eh];
            ownPreM = new double[eh];
            ownPreQ = new double[eh];
            a = new double[eh];
            sA = new double[eh];
            m = new double[eh];
            sM = new double[eh];
            mg = new double[eh];
            q = new double[eh];
            sQ = new double[eh];
            e1 = new double[eh];
            e2 = new double[eh];
            e3 = new double[eh];
            edgeScalar = new double[edges];
        }

        private double[] ownA;
        private double[] ownSA;
        private double[] ownM;
        private double[] ownSM;
        private double[] ownQ;
        private double[] ownSQ;
        private double[] ownGate;
        private double[] ownCoord;

        /** Points the edge arrays back at this workspace's own (after a tape's were used). */
        void own() {
            if (ownA == null) {
                ownA = a;
                ownSA = sA;
                ownM = m;
                ownSM = sM;
                ownQ = q;
                ownSQ = sQ;
                ownGate = gate;
                ownCoord = coord;
            }
            a = ownA;
            sA = ownSA;
            m = ownM;
            sM = ownSM;
            q = ownQ;
            sQ = ownSQ;
            gate = ownGate;
            coord = ownCoord;
        }

        static Workspace get(int atoms, int width) {
            Workspace ws = CURRENT.get();
            if (ws == null || ws.atoms != atoms || ws.width != width) {
                ws = new Workspace(atoms, width);
                CURRENT.set(ws);
            }
            ws.own();
            return ws;
        }

        /** The tangent arrays, allocated on the first divergence. */
        void tangents() {
            if (th != null) {
                return;
            }
            int nd = atoms * dirs;
            th = new double[nd * width];
            tpi = new double[nd * width];
            tpj = new double[nd * width];
            tm = new double[nd * width];
            tn = new double[nd * width];
            tx = new double[nd * 3];
            txNew = new double[nd * 3];
            // a block of rows (neighbours x 3N directions) of about 256 kB per array, so it stays in cache
            blockNeighbours = Math.max(1, Math.min(atoms - 1, 32768 / (dirs * width)));
            int rows = Math.max(blockNeighbours * dirs, 3 * (atoms - 1));
            t1 = new double[rows * width];
            t2 = new double[rows * width];
            rowDd = new double[rows];
            rowDr = new double[3 * rows];
        }
    }

    /** The network's weights (a snapshot) bound to one molecule. */
    private final class Net {
        final double[][] w;
        final double[] features;
        final int atoms;
        final int width;
        final int layers;
        final int edges;

        Net(double[][] w, double[] features, int atoms) {
            this.w = w;
            this.features = features;
            this.atoms = atoms;
            this.width = architecture.width();
            this.layers = architecture.layers();
            this.edges = atoms * (atoms - 1);
        }

        double[] p(int layer, int which) {
            return w[2 + PER_LAYER * layer + which];
        }

        double[][] zeroLike() {
            double[][] z = new double[w.length][];
            for (int q = 0; q < w.length; q++) {
                z[q] = new double[w[q].length];
            }
            return z;
        }

        /** h^0 = [f, t] embed.w + embed.b. */
        void embed(double[] h, double t) {
            int f = architecture.nodeFeatures();
            int hw = width;
            double[] ew = w[0];
            double[] eb = w[1];
            for (int i = 0; i < atoms; i++) {
                for (int k = 0; k < hw; k++) {
                    h[i * hw + k] = eb[k] + t * ew[f * hw + k];
                }
            }
            Dgemm.gemm(false, false, atoms, hw, f, 1.0, features, 0, f, ew, 0, hw, 1.0, h, 0, hw);
        }

        /** The velocity of one sample (x at xs[xo ..]) into v[vo ..]; with a tape, keeps what backward needs. */
        void forward(Workspace ws, double[] xs, int xo, double t, double[] v, int vo, Tape tape) {
            int d = 3 * atoms;
            System.arraycopy(xs, xo, ws.x, 0, d);
            embed(ws.h, t);
            for (int l = 0; l < layers; l++) {
                boolean last = l == layers - 1;
                ws.preA = ws.ownPreA;
                ws.preM = ws.ownPreM;
                ws.preQ = ws.ownPreQ;
                if (tape != null) {
                    tape.x[l] = ws.x.clone();
                    tape.h[l] = ws.h.clone();
                    tape.allocate(ws, l, edges, width);
                }
                layer(ws, xs, xo, l, last);
                if (tape != null && !last) {
                    tape.m[l] = ws.mSum.clone();
                    tape.npre[l] = ws.npre.clone();
                }
            }
            output(ws.x, xs, xo, v, vo);
            ws.own();
        }

        /** v = (x^L - x^0) minus its mean over atoms, per axis. */
        void output(double[] xl, double[] xs, int xo, double[] v, int vo) {
            double[] mean = new double[3];
            for (int i = 0; i < atoms; i++) {
                for (int c = 0; c < 3; c++) {
                    mean[c] += xl[3 * i + c] - xs[xo + 3 * i + c];
                }
            }
            for (int c = 0; c < 3; c++) {
                mean[c] /= atoms;
            }
            for (int i = 0; i < atoms; i++) {
                for (int c = 0; c < 3; c++) {
                    v[vo + 3 * i + c] = xl[3 * i + c] - xs[xo + 3 * i + c] - mean[c];
                }
            }
        }

        /**
         * One layer on ws.x, ws.h (updated in place; h not on the last layer), keeping the edges'
         * activations and slopes in ws for the tangents; pre-activations go to ws.preA/preM/preQ.
         */
        void layer(Workspace ws, double[] xs, int xo, int l, boolean last) {
            int n = atoms;
            int hw = width;
            double[] e1w = p(l, E1W);
            edgeGeometry(ws, ws.x, xs, xo);
            // node projections h W_i and h W_j of the first edge layer
            Dgemm.gemm(false, false, n, hw, hw, 1.0, ws.h, 0, hw, e1w, 0, hw, 0.0, ws.pi, 0, hw);
            Dgemm.gemm(false, false, n, hw, hw, 1.0, ws.h, 0, hw, e1w, hw * hw, hw, 0.0, ws.pj, 0, hw);
            int wd = 2 * hw * hw;
            int wd0 = wd + hw;
            double[] b1 = p(l, E1B);
            double[] preA = ws.preA;
            for (int i = 0; i < n; i++) {
                for (int jj = 0; jj < n - 1; jj++) {
                    int j = jj < i ? jj : jj + 1;
                    int e = i * (n - 1) + jj;
                    double dd = ws.dist[e];
                    double d0 = ws.dist0[e];
                    int eo = e * hw;
                    int io = i * hw;
                    int jo = j * hw;
                    for (int k = 0; k < hw; k++) {
                        preA[eo + k] = ws.pi[io + k] + ws.pj[jo + k] + dd * e1w[wd + k] + d0 * e1w[wd0 + k] + b1[k];
                    }
                }
            }
            edgeMlp(ws, l);
            // coordinate update and message sums
            double[] xNew = ws.xNew;
            System.arraycopy(ws.x, 0, xNew, 0, 3 * n);
            java.util.Arrays.fill(ws.mSum, 0);
            for (int i = 0; i < n; i++) {
                double sx = 0;
                double sy = 0;
                double sz = 0;
                int io = i * hw;
                for (int jj = 0; jj < n - 1; jj++) {
                    int e = i * (n - 1) + jj;
                    double s = ws.phi[e] * ws.coord[e];
                    sx += ws.r[3 * e] * s;
                    sy += ws.r[3 * e + 1] * s;
                    sz += ws.r[3 * e + 2] * s;
                    int eo = e * hw;
                    for (int k = 0; k < hw; k++) {
                        ws.mSum[io + k] += ws.mg[eo + k];
                    }
                }
                xNew[3 * i] += sx;
                xNew[3 * i + 1] += sy;
                xNew[3 * i + 2] += sz;
            }
            System.arraycopy(xNew, 0, ws.x, 0, 3 * n);
            if (last) {
                return;
            }
            // node update h += silu([h, M] node1.w + node1.b) node2.w + node2.b
            double[] n1w = p(l, N1W);
            Dgemm.gemm(false, false, n, hw, hw, 1.0, ws.h, 0, hw, n1w, 0, hw, 0.0, ws.npre, 0, hw);
            Dgemm.gemm(false, false, n, hw, hw, 1.0, ws.mSum, 0, hw, n1w, hw * hw, hw, 1.0, ws.npre, 0, hw);
            double[] n1b = p(l, N1B);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < hw; k++) {
                    ws.npre[i * hw + k] += n1b[k];
                }
            }
            silu(ws.npre, ws.nAct, ws.nSlope, n * hw);
            double[] n2b = p(l, N2B);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < hw; k++) {
                    ws.h[i * hw + k] += n2b[k];
                }
            }
            Dgemm.gemm(false, false, n, hw, hw, 1.0, ws.nAct, 0, hw, p(l, N2W), 0, hw, 1.0, ws.h, 0, hw);
        }

        /** r_ij, d_ij, d0_ij, phi = 1 / (sqrt(d) + 1) and phi' = d phi / d d of every edge, from x and x^0. */
        void edgeGeometry(Workspace ws, double[] x, double[] xs, int xo) {
            int n = atoms;
            for (int i = 0; i < n; i++) {
                for (int jj = 0; jj < n - 1; jj++) {
                    int j = jj < i ? jj : jj + 1;
                    int e = i * (n - 1) + jj;
                    double dd = 0;
                    double d0 = 0;
                    for (int c = 0; c < 3; c++) {
                        double rc = x[3 * i + c] - x[3 * j + c];
                        double r0c = xs[xo + 3 * i + c] - xs[xo + 3 * j + c];
                        ws.r[3 * e + c] = rc;
                        ws.r0[3 * e + c] = r0c;
                        dd += rc * rc;
                        d0 += r0c * r0c;
                    }
                    ws.dist[e] = dd;
                    ws.dist0[e] = d0;
                    double sq = Math.sqrt(dd);
                    double ph = 1 / (sq + 1);
                    ws.phi[e] = ph;
                    // d/dd (1 / (sqrt d + 1)) = -1 / (2 sqrt d (sqrt d + 1)^2)
                    ws.dphi[e] = -ph * ph / (2 * sq);
                }
            }
        }

        /** From ws.preA: a, m, gate, mg = g m, q and c of every edge (activations and slopes). */
        void edgeMlp(Workspace ws, int l) {
            int hw = width;
            int eh = edges * hw;
            silu(ws.preA, ws.a, ws.sA, eh);
            fillRows(ws.preM, p(l, E2B), edges);
            Dgemm.gemm(false, false, edges, hw, hw, 1.0, ws.a, 0, hw, p(l, E2W), 0, hw, 1.0, ws.preM, 0, hw);
            silu(ws.preM, ws.m, ws.sM, eh);
            double[] gw = p(l, GW);
            double bg = p(l, GB)[0];
            for (int e = 0; e < edges; e++) {
                int eo = e * hw;
                double s = dot(ws.m, eo, gw, 0, hw) + bg;
                double g = 1 / (1 + Math.exp(-s));
                ws.gate[e] = g;
                ws.gateSlope[e] = g * (1 - g);
                for (int k = 0; k < hw; k++) {
                    ws.mg[eo + k] = g * ws.m[eo + k];
                }
            }
            fillRows(ws.preQ, p(l, C1B), edges);
            Dgemm.gemm(false, false, edges, hw, hw, 1.0, ws.mg, 0, hw, p(l, C1W), 0, hw, 1.0, ws.preQ, 0, hw);
            silu(ws.preQ, ws.q, ws.sQ, eh);
            double[] c2 = p(l, C2W);
            for (int e = 0; e < edges; e++) {
                ws.coord[e] = Math.tanh(dot(ws.q, e * hw, c2, 0, hw));
            }
        }

        // ---------------------------------------------------------------- exact divergence

        /** Velocity into v[vo ..] and the exact tr(dv/dx) of one sample. */
        double divergence(Workspace ws, double[] xs, int xo, double t, double[] v, int vo) {
            ws.tangents();
            int n = atoms;
            int hw = width;
            int dirs = 3 * n;
            ws.preA = ws.ownPreA;
            ws.preM = ws.ownPreM;
            ws.preQ = ws.ownPreQ;
            System.arraycopy(xs, xo, ws.x, 0, dirs);
            embed(ws.h, t);
            double[] diag = new double[dirs];
            for (int l = 0; l < layers; l++) {
                boolean last = l == layers - 1;
                if (l == 0) {
                    layer(ws, xs, xo, 0, last);
                    firstLayerTangents(ws, last);
                    if (last) {
                        for (int i = 0; i < n; i++) {
                            for (int c = 0; c < 3; c++) {
                                diag[3 * i + c] = ws.tx[((i * dirs) + 3 * i + c) * 3 + c];
                            }
                        }
                    }
                    continue;
                }
                // tangents of the first edge layer's node projections, from h's tangents before the update
                double[] e1w = p(l, E1W);
                int rowsN = n * dirs;
                Dgemm.gemm(false, false, rowsN, hw, hw, 1.0, ws.th, 0, hw, e1w, 0, hw, 0.0, ws.tpi, 0, hw);
                Dgemm.gemm(false, false, rowsN, hw, hw, 1.0, ws.th, 0, hw, e1w, hw * hw, hw, 0.0, ws.tpj, 0, hw);
                layer(ws, xs, xo, l, last);
                if (last) {
                    lastLayerDiagonal(ws, l, diag);
                } else {
                    middleLayerTangents(ws, l);
                }
            }
            output(ws.x, xs, xo, v, vo);
            double sum = 0;
            for (int p = 0; p < dirs; p++) {
                sum += diag[p] - 1;
            }
            return sum;
        }

        /**
         * Layer 0: h^0 does not depend on x and d = d0, so every edge quantity is a function of the
         * edge's d alone; its derivative along d (one tangent per edge) gives every direction's.
         */
        void firstLayerTangents(Workspace ws, boolean last) {
            int n = atoms;
            int hw = width;
            int dirs = 3 * n;
            double[] e1w = p(0, E1W);
            int wd = 2 * hw * hw;
            int wd0 = wd + hw;
            double[] u = ws.e1;
            for (int e = 0; e < edges; e++) {
                int eo = e * hw;
                for (int k = 0; k < hw; k++) {
                    u[eo + k] = ws.sA[eo + k] * (e1w[wd + k] + e1w[wd0 + k]);
                }
            }
            double[] mu = ws.e2;
            Dgemm.gemm(false, false, edges, hw, hw, 1.0, u, 0, hw, p(0, E2W), 0, hw, 0.0, mu, 0, hw);
            gateTangent(ws, 0, mu, edges);
            Dgemm.gemm(false, false, edges, hw, hw, 1.0, mu, 0, hw, p(0, C1W), 0, hw, 0.0, u, 0, hw);
            double[] c2 = p(0, C2W);
            double[] tx = ws.tx;
            java.util.Arrays.fill(tx, 0);
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    tx[(i * dirs + 3 * i + c) * 3 + c] = 1;
                }
            }
            double[] tm = ws.tm;
            java.util.Arrays.fill(tm, 0);
            for (int i = 0; i < n; i++) {
                for (int jj = 0; jj < n - 1; jj++) {
                    int j = jj < i ? jj : jj + 1;
                    int e = i * (n - 1) + jj;
                    int eo = e * hw;
                    double kappa = dotScaled(ws.sQ, eo, c2, u, eo, hw);
                    double cc = ws.coord[e];
                    kappa *= 1 - cc * cc;
                    double ph = ws.phi[e];
                    // J = phi c I + 2 (phi' c + phi kappa) r r^T: the edge's term r phi(d) c(d) along x_i - x_j
                    double alpha = 2 * (ws.dphi[e] * cc + ph * kappa);
                    for (int c = 0; c < 3; c++) {
                        double rc = ws.r[3 * e + c];
                        int pi = (i * dirs + 3 * i + c) * 3;
                        int pj = (i * dirs + 3 * j + c) * 3;
                        for (int c2i = 0; c2i < 3; c2i++) {
                            double jv = alpha * ws.r[3 * e + c2i] * rc + (c2i == c ? ph * cc : 0);
                            tx[pi + c2i] += jv;
                            tx[pj + c2i] -= jv;
                        }
                        if (!last) {
                            double s = 2 * rc;
                            int mi = (i * dirs + 3 * i + c) * hw;
                            int mj = (i * dirs + 3 * j + c) * hw;
                            for (int k = 0; k < hw; k++) {
                                double dm = s * mu[eo + k];
                                tm[mi + k] += dm;
                                tm[mj + k] -= dm;
                            }
                        }
                    }
                }
            }
            if (last) {
                return;
            }
            // h^1 tangents: silu'(npre) (dM node1.w_M) node2.w (h^0 has none)
            int rowsN = n * dirs;
            double[] n1w = p(0, N1W);
            Dgemm.gemm(false, false, rowsN, hw, hw, 1.0, tm, 0, hw, n1w, hw * hw, hw, 0.0, ws.tn, 0, hw);
            scaleByNodeSlope(ws);
            Dgemm.gemm(false, false, rowsN, hw, hw, 1.0, ws.tn, 0, hw, p(0, N2W), 0, hw, 0.0, ws.th, 0, hw);
        }

        /**
         * The first rows of t (row e: the tangent of edge e's m pre-activation) become the tangents
         * of mg = g m: dm = silu'(preM) dpreM, dmg = g dm + g (1 - g) (dm . gate.w) m.
         */
        void gateTangent(Workspace ws, int l, double[] t, int rows) {
            int hw = width;
            double[] gw = p(l, GW);
            for (int e = 0; e < rows; e++) {
                int eo = e * hw;
                for (int k = 0; k < hw; k++) {
                    t[eo + k] *= ws.sM[eo + k];
                }
                double s = dot(t, eo, gw, 0, hw) * ws.gateSlope[e];
                double g = ws.gate[e];
                for (int k = 0; k < hw; k++) {
                    t[eo + k] = g * t[eo + k] + s * ws.m[eo + k];
                }
            }
        }

        void scaleByNodeSlope(Workspace ws) {
            int hw = width;
            int dirs = 3 * atoms;
            double[] tn = ws.tn;
            for (int i = 0; i < atoms; i++) {
                int so = i * hw;
                for (int p = 0; p < dirs; p++) {
                    int to = (i * dirs + p) * hw;
                    for (int k = 0; k < hw; k++) {
                        tn[to + k] *= ws.nSlope[so + k];
                    }
                }
            }
        }

        /**
         * Per edge, the factors of the gate's and the coordinate head's tangents, once per layer rather
         * than once per direction: silu'(preM) gate.w, g silu'(preM), and silu'(preQ) coord2.w (over q,
         * which the tangents do not need).
         */
        void tangentFactors(Workspace ws, int l) {
            int hw = width;
            double[] gw = p(l, GW);
            double[] c2 = p(l, C2W);
            for (int e = 0; e < edges; e++) {
                int eo = e * hw;
                double g = ws.gate[e];
                for (int k = 0; k < hw; k++) {
                    double sm = ws.sM[eo + k];
                    ws.e1[eo + k] = sm * gw[k];
                    ws.e2[eo + k] = g * sm;
                    ws.q[eo + k] = ws.sQ[eo + k] * c2[k];
                }
            }
        }

        /** A middle layer: the tangents of all 3N directions on every edge, then of the node update. */
        void middleLayerTangents(Workspace ws, int l) {
            tangentFactors(ws, l);
            double[] sMw = ws.e1;
            double[] gsM = ws.e2;
            double[] sQw = ws.q;
            double[] m = ws.m;
            int n = atoms;
            int hw = width;
            int dirs = 3 * n;
            double[] e1w = p(l, E1W);
            int wd = 2 * hw * hw;
            int wd0 = wd + hw;
            double[] tx = ws.tx;
            double[] txNew = ws.txNew;
            System.arraycopy(tx, 0, txNew, 0, tx.length);
            double[] tm = ws.tm;
            java.util.Arrays.fill(tm, 0);
            double[] t1 = ws.t1;
            double[] t2 = ws.t2;
            int block = ws.blockNeighbours;
            for (int i = 0; i < n; i++) {
                for (int jj0 = 0; jj0 < n - 1; jj0 += block) {
                    int jj1 = Math.min(n - 1, jj0 + block);
                    int rows = (jj1 - jj0) * dirs;
                    for (int jj = jj0; jj < jj1; jj++) {
                        int j = jj < i ? jj : jj + 1;
                        int e = i * (n - 1) + jj;
                        int eo = e * hw;
                        double rx = ws.r[3 * e];
                        double ry = ws.r[3 * e + 1];
                        double rz = ws.r[3 * e + 2];
                        for (int p = 0; p < dirs; p++) {
                            int row = (jj - jj0) * dirs + p;
                            int ti = (i * dirs + p) * 3;
                            int tj = (j * dirs + p) * 3;
                            double dx = tx[ti] - tx[tj];
                            double dy = tx[ti + 1] - tx[tj + 1];
                            double dz = tx[ti + 2] - tx[tj + 2];
                            ws.rowDr[3 * row] = dx;
                            ws.rowDr[3 * row + 1] = dy;
                            ws.rowDr[3 * row + 2] = dz;
                            double dd = 2 * (rx * dx + ry * dy + rz * dz);
                            ws.rowDd[row] = dd;
                            int atom = p / 3;
                            double dd0 = atom == i ? 2 * ws.r0[3 * e + p % 3] : atom == j ? -2 * ws.r0[3 * e + p % 3] : 0;
                            int ro = row * hw;
                            int pio = (i * dirs + p) * hw;
                            int pjo = (j * dirs + p) * hw;
                            double[] tpi = ws.tpi;
                            double[] tpj = ws.tpj;
                            double[] sA = ws.sA;
                            for (int k = 0; k < hw; k++) {
                                t1[ro + k] = sA[eo + k] * (tpi[pio + k] + tpj[pjo + k] + dd * e1w[wd + k] + dd0 * e1w[wd0 + k]);
                            }
                        }
                    }
                    Dgemm.gemm(false, false, rows, hw, hw, 1.0, t1, 0, hw, p(l, E2W), 0, hw, 0.0, t2, 0, hw);
                    for (int jj = jj0; jj < jj1; jj++) {
                        int e = i * (n - 1) + jj;
                        int eo = e * hw;
                        double gs = ws.gateSlope[e];
                        for (int p = 0; p < dirs; p++) {
                            int ro = ((jj - jj0) * dirs + p) * hw;
                            int mo = (i * dirs + p) * hw;
                            double s = dot(t2, ro, sMw, eo, hw) * gs;
                            for (int k = 0; k < hw; k++) {
                                double dmg = gsM[eo + k] * t2[ro + k] + s * m[eo + k];
                                t2[ro + k] = dmg;
                                tm[mo + k] += dmg;
                            }
                        }
                    }
                    Dgemm.gemm(false, false, rows, hw, hw, 1.0, t2, 0, hw, p(l, C1W), 0, hw, 0.0, t1, 0, hw);
                    for (int jj = jj0; jj < jj1; jj++) {
                        int e = i * (n - 1) + jj;
                        int eo = e * hw;
                        double cc = ws.coord[e];
                        double ph = ws.phi[e];
                        double a1 = ph * cc;
                        double a2 = ws.dphi[e] * cc;
                        double slope = ph * (1 - cc * cc);
                        double rx = ws.r[3 * e];
                        double ry = ws.r[3 * e + 1];
                        double rz = ws.r[3 * e + 2];
                        for (int p = 0; p < dirs; p++) {
                            int row = (jj - jj0) * dirs + p;
                            double dc = dot(sQw, eo, t1, row * hw, hw);
                            double s = a2 * ws.rowDd[row] + slope * dc;
                            int to = (i * dirs + p) * 3;
                            txNew[to] += ws.rowDr[3 * row] * a1 + rx * s;
                            txNew[to + 1] += ws.rowDr[3 * row + 1] * a1 + ry * s;
                            txNew[to + 2] += ws.rowDr[3 * row + 2] * a1 + rz * s;
                        }
                    }
                }
            }
            ws.txNew = tx;
            ws.tx = txNew;
            // node update: dh += silu'(npre) (dh node1.w_h + dM node1.w_M) node2.w
            int rowsN = n * dirs;
            double[] n1w = p(l, N1W);
            Dgemm.gemm(false, false, rowsN, hw, hw, 1.0, ws.th, 0, hw, n1w, 0, hw, 0.0, ws.tn, 0, hw);
            Dgemm.gemm(false, false, rowsN, hw, hw, 1.0, tm, 0, hw, n1w, hw * hw, hw, 1.0, ws.tn, 0, hw);
            scaleByNodeSlope(ws);
            Dgemm.gemm(false, false, rowsN, hw, hw, 1.0, ws.tn, 0, hw, p(l, N2W), 0, hw, 1.0, ws.th, 0, hw);
        }

        /** The last layer: d x^L_(i,c) / d x_(i,c) only, from the edges of atom i along its own directions. */
        void lastLayerDiagonal(Workspace ws, int l, double[] diag) {
            tangentFactors(ws, l);
            double[] sMw = ws.e1;
            double[] gsM = ws.e2;
            double[] sQw = ws.q;
            double[] m = ws.m;
            int n = atoms;
            int hw = width;
            int dirs = 3 * n;
            double[] e1w = p(l, E1W);
            int wd = 2 * hw * hw;
            int wd0 = wd + hw;
            double[] tx = ws.tx;
            double[] t1 = ws.t1;
            double[] t2 = ws.t2;
            int rows = 3 * (n - 1);
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    diag[3 * i + c] = tx[(i * dirs + 3 * i + c) * 3 + c];
                }
                for (int jj = 0; jj < n - 1; jj++) {
                    int j = jj < i ? jj : jj + 1;
                    int e = i * (n - 1) + jj;
                    int eo = e * hw;
                    double rx = ws.r[3 * e];
                    double ry = ws.r[3 * e + 1];
                    double rz = ws.r[3 * e + 2];
                    for (int c = 0; c < 3; c++) {
                        int p = 3 * i + c;
                        int row = jj * 3 + c;
                        int ti = (i * dirs + p) * 3;
                        int tj = (j * dirs + p) * 3;
                        double dx = tx[ti] - tx[tj];
                        double dy = tx[ti + 1] - tx[tj + 1];
                        double dz = tx[ti + 2] - tx[tj + 2];
                        ws.rowDr[row] = c == 0 ? dx : c == 1 ? dy : dz;
                        double dd = 2 * (rx * dx + ry * dy + rz * dz);
                        ws.rowDd[row] = dd;
                        double dd0 = 2 * ws.r0[3 * e + c];
                        int ro = row * hw;
                        int pio = (i * dirs + p) * hw;
                        int pjo = (j * dirs + p) * hw;
                        for (int k = 0; k < hw; k++) {
                            t1[ro + k] = ws.sA[eo + k]
                                    * (ws.tpi[pio + k] + ws.tpj[pjo + k] + dd * e1w[wd + k] + dd0 * e1w[wd0 + k]);
                        }
                    }
                }
                Dgemm.gemm(false, false, rows, hw, hw, 1.0, t1, 0, hw, p(l, E2W), 0, hw, 0.0, t2, 0, hw);
                for (int jj = 0; jj < n - 1; jj++) {
                    int e = i * (n - 1) + jj;
                    int eo = e * hw;
                    double gs = ws.gateSlope[e];
                    for (int c = 0; c < 3; c++) {
                        int ro = (jj * 3 + c) * hw;
                        double s = dot(t2, ro, sMw, eo, hw) * gs;
                        for (int k = 0; k < hw; k++) {
                            t2[ro + k] = gsM[eo + k] * t2[ro + k] + s * m[eo + k];
                        }
                    }
                }
                Dgemm.gemm(false, false, rows, hw, hw, 1.0, t2, 0, hw, p(l, C1W), 0, hw, 0.0, t1, 0, hw);
                for (int jj = 0; jj < n - 1; jj++) {
                    int e = i * (n - 1) + jj;
                    int eo = e * hw;
                    double cc = ws.coord[e];
                    double ph = ws.phi[e];
                    for (int c = 0; c < 3; c++) {
                        int row = jj * 3 + c;
                        double dc = dot(sQw, eo, t1, row * hw, hw) * (1 - cc * cc);
                        double s = ws.dphi[e] * ws.rowDd[row] * cc + ph * dc;
                        diag[3 * i + c] += ws.rowDr[row] * ph * cc + ws.r[3 * e + c] * s;
                    }
                }
            }
        }

        // ---------------------------------------------------------------- training backward

        /** Adds d loss / d weights of one sample (gradient of its velocity at g[go ..]) into acc. */
        void backward(Workspace ws, double[] xs, int xo, double t, double[] gv, int go, Tape tape, double[][] acc) {
            int n = atoms;
            int hw = width;
            // v = P y: dL/dy = P dL/dv (P symmetric)
            double[] gx = new double[3 * n];
            double[] mean = new double[3];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    mean[c] += gv[go + 3 * i + c];
                }
            }
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    gx[3 * i + c] = gv[go + 3 * i + c] - mean[c] / n;
                }
            }
            double[] gh = new double[n * hw];
            double[] gxNew = new double[3 * n];
            double[] ghNew = new double[n * hw];
            double[] gM = new double[n * hw];
            double[] gsi = new double[n * hw];
            double[] gsj = new double[n * hw];
            double[] gr = ws.edgeTmp;
            for (int l = layers - 1; l >= 0; l--) {
                boolean last = l == layers - 1;
                double[][] gl = new double[PER_LAYER][];
                for (int q = 0; q < PER_LAYER; q++) {
                    gl[q] = acc[2 + PER_LAYER * l + q];
                }
                double[] h = tape.h[l];
                edgeGeometry(ws, tape.x[l], xs, xo);
                tape.restore(ws, l);
                for (int e = 0; e < edges; e++) {
                    int eo = e * hw;
                    double g = ws.gate[e];
                    for (int k = 0; k < hw; k++) {
                        ws.mg[eo + k] = g * ws.m[eo + k];
                    }
                }
                System.arraycopy(gx, 0, gxNew, 0, 3 * n);
                System.arraycopy(gh, 0, ghNew, 0, n * hw);
                java.util.Arrays.fill(gM, 0);
                if (!last) {
                    double[] npre = tape.npre[l];
                    silu(npre, ws.nAct, ws.nSlope, n * hw);
                    columnSums(gh, n, hw, gl[N2B]);
                    Dgemm.gemm(true, false, hw, hw, n, 1.0, ws.nAct, 0, hw, gh, 0, hw, 1.0, gl[N2W], 0, hw);
                    double[] gnpre = ws.nodeTmp;
                    Dgemm.gemm(false, true, n, hw, hw, 1.0, gh, 0, hw, p(l, N2W), 0, hw, 0.0, gnpre, 0, hw);
                    for (int k = 0; k < n * hw; k++) {
                        gnpre[k] *= ws.nSlope[k];
                    }
                    columnSums(gnpre, n, hw, gl[N1B]);
                    Dgemm.gemm(true, false, hw, hw, n, 1.0, h, 0, hw, gnpre, 0, hw, 1.0, gl[N1W], 0, hw);
                    Dgemm.gemm(true, false, hw, hw, n, 1.0, tape.m[l], 0, hw, gnpre, 0, hw, 1.0, gl[N1W], hw * hw, hw);
                    double[] n1w = p(l, N1W);
                    Dgemm.gemm(false, true, n, hw, hw, 1.0, gnpre, 0, hw, n1w, 0, hw, 1.0, ghNew, 0, hw);
                    Dgemm.gemm(false, true, n, hw, hw, 1.0, gnpre, 0, hw, n1w, hw * hw, hw, 0.0, gM, 0, hw);
                }
                // coordinate update x_i += sum_j r_ij phi(d_ij) c_ij; per-edge scalars first, then
                // the (E, H) work as elementwise loops on equal indices (vectorised) and products
                double[] c2 = p(l, C2W);
                double[] gcp = ws.edgeScalar;
                for (int i = 0; i < n; i++) {
                    double gux = gx[3 * i];
                    double guy = gx[3 * i + 1];
                    double guz = gx[3 * i + 2];
                    for (int jj = 0; jj < n - 1; jj++) {
                        int e = i * (n - 1) + jj;
                        double rx = ws.r[3 * e];
                        double ry = ws.r[3 * e + 1];
                        double rz = ws.r[3 * e + 2];
                        double gur = gux * rx + guy * ry + guz * rz;
                        double cc = ws.coord[e];
                        double ph = ws.phi[e];
                        double s = 2 * gur * cc * ws.dphi[e];
                        gr[3 * e] = gux * ph * cc + rx * s;
                        gr[3 * e + 1] = guy * ph * cc + ry * s;
                        gr[3 * e + 2] = guz * ph * cc + rz * s;
                        gcp[e] = ph * gur * (1 - cc * cc);
                    }
                }
                // c = tanh(q . coord2.w): d coord2.w = q^T gcp; d preQ = gcp (coord2.w o silu'(preQ))
                Dgemm.gemm(true, false, hw, 1, edges, 1.0, ws.q, 0, hw, gcp, 0, 1, 1.0, gl[C2W], 0, 1);
                double[] gpreQ = ws.e1;
                for (int e = 0; e < edges; e++) {
                    int eo = e * hw;
                    double g = gcp[e];
                    for (int k = 0; k < hw; k++) {
                        gpreQ[eo + k] = g * c2[k];
                    }
                }
                multiply(gpreQ, ws.sQ, edges * hw);
                columnSums(gpreQ, edges, hw, gl[C1B]);
                Dgemm.gemm(true, false, hw, hw, edges, 1.0, ws.mg, 0, hw, gpreQ, 0, hw, 1.0, gl[C1W], 0, hw);
                double[] gmg = ws.e2;
                // dL/dmg = gpreQ coord1.w^T + dL/dM_i (M_i = sum_j mg_ij)
                for (int i = 0; i < n; i++) {
                    for (int jj = 0; jj < n - 1; jj++) {
                        System.arraycopy(gM, i * hw, gmg, (i * (n - 1) + jj) * hw, hw);
                    }
                }
                Dgemm.gemm(false, true, edges, hw, hw, 1.0, gpreQ, 0, hw, p(l, C1W), 0, hw, 1.0, gmg, 0, hw);
                // mg = g m, g = sigmoid(m . gate.w + gate.b): gg = dL/dmg . m, gpg = gg g (1 - g)
                double[] gw = p(l, GW);
                double[] gpg = ws.edgeScalar;
                double gbg = 0;
                for (int e = 0; e < edges; e++) {
                    double g = ws.gate[e];
                    double v = dot(gmg, e * hw, ws.m, e * hw, hw) * g * (1 - g);
                    gpg[e] = v;
                    gbg += v;
                }
                gl[GB][0] += gbg;
                Dgemm.gemm(true, false, hw, 1, edges, 1.0, ws.m, 0, hw, gpg, 0, 1, 1.0, gl[GW], 0, 1);
                // dL/dm = dL/dmg g + gpg gate.w, then times silu'(preM)
                double[] gpreM = gmg;
                double[] t3 = ws.e3;
                for (int e = 0; e < edges; e++) {
                    int eo = e * hw;
                    double g = ws.gate[e];
                    double v = gpg[e];
                    for (int k = 0; k < hw; k++) {
                        t3[eo + k] = v * gw[k];
                    }
                    scaleAdd(gpreM, eo, g, t3, hw);
                }
                multiply(gpreM, ws.sM, edges * hw);
                columnSums(gpreM, edges, hw, gl[E2B]);
                Dgemm.gemm(true, false, hw, hw, edges, 1.0, ws.a, 0, hw, gpreM, 0, hw, 1.0, gl[E2W], 0, hw);
                double[] gpreA = ws.e1;
                Dgemm.gemm(false, true, edges, hw, hw, 1.0, gpreM, 0, hw, p(l, E2W), 0, hw, 0.0, gpreA, 0, hw);
                multiply(gpreA, ws.sA, edges * hw);
                double[] e1w = p(l, E1W);
                int wd = 2 * hw * hw;
                int wd0 = wd + hw;
                double[] ge1 = gl[E1W];
                // the rows of edge1.w: W_i and W_j through the per-node sums of gpreA, w_d and w_d0
                // through d and d0; d also reaches x: dL/dd = gpreA . w_d
                java.util.Arrays.fill(gsi, 0);
                java.util.Arrays.fill(gsj, 0);
                for (int i = 0; i < n; i++) {
                    for (int jj = 0; jj < n - 1; jj++) {
                        int j = jj < i ? jj : jj + 1;
                        int e = i * (n - 1) + jj;
                        addTo(gsi, i * hw, gpreA, e * hw, hw);
                        addTo(gsj, j * hw, gpreA, e * hw, hw);
                    }
                }
                Dgemm.gemm(true, false, 1, hw, edges, 1.0, ws.dist, 0, 1, gpreA, 0, hw, 1.0, ge1, wd, hw);
                Dgemm.gemm(true, false, 1, hw, edges, 1.0, ws.dist0, 0, 1, gpreA, 0, hw, 1.0, ge1, wd0, hw);
                double[] gd = ws.edgeScalar;
                Dgemm.gemm(false, false, edges, 1, hw, 1.0, gpreA, 0, hw, e1w, wd, 1, 0.0, gd, 0, 1);
                for (int e = 0; e < edges; e++) {
                    double s = 2 * gd[e];
                    gr[3 * e] += s * ws.r[3 * e];
                    gr[3 * e + 1] += s * ws.r[3 * e + 1];
                    gr[3 * e + 2] += s * ws.r[3 * e + 2];
                }
                columnSums(gsi, n, hw, gl[E1B]);
                Dgemm.gemm(true, false, hw, hw, n, 1.0, h, 0, hw, gsi, 0, hw, 1.0, ge1, 0, hw);
                Dgemm.gemm(true, false, hw, hw, n, 1.0, h, 0, hw, gsj, 0, hw, 1.0, ge1, hw * hw, hw);
                Dgemm.gemm(false, true, n, hw, hw, 1.0, gsi, 0, hw, e1w, 0, hw, 1.0, ghNew, 0, hw);
                Dgemm.gemm(false, true, n, hw, hw, 1.0, gsj, 0, hw, e1w, hw * hw, hw, 1.0, ghNew, 0, hw);
                for (int i = 0; i < n; i++) {
                    for (int jj = 0; jj < n - 1; jj++) {
                        int j = jj < i ? jj : jj + 1;
                        int e = i * (n - 1) + jj;
                        for (int c = 0; c < 3; c++) {
                            gxNew[3 * i + c] += gr[3 * e + c];
                            gxNew[3 * j + c] -= gr[3 * e + c];
                        }
                    }
                }
                double[] swap = gx;
                gx = gxNew;
                gxNew = swap;
                swap = gh;
                gh = ghNew;
                ghNew = swap;
            }
            // embedding h^0 = f embed.w_f + t embed.w_t + embed.b
            int f = architecture.nodeFeatures();
            Dgemm.gemm(true, false, f, hw, n, 1.0, features, 0, f, gh, 0, hw, 1.0, acc[0], 0, hw);
            double[] colSum = new double[hw];
            columnSums(gh, n, hw, colSum);
            for (int k = 0; k < hw; k++) {
                acc[0][f * hw + k] += t * colSum[k];
                acc[1][k] += colSum[k];
            }
        }

    }

    // ---------------------------------------------------------------- elementwise kernels

    /** Every row of a (rows, b.length) block set to b. */
    private static void fillRows(double[] a, double[] b, int rows) {
        int w = b.length;
        for (int r = 0; r < rows; r++) {
            System.arraycopy(b, 0, a, r * w, w);
        }
    }

    /**
     * silu(z) = z s(z) and silu'(z) = s(z) (1 + z (1 - s(z))), s(z) = 1 / (1 + e^-z), for n entries
     * (act must not be pre).
     *
     * <p>e^-z is computed so that the JIT can vectorise the loop (Math.exp is a scalar call and was
     * the largest cost of a training step): e^x = (e^(x / 128))^128, e^(x / 128) by its Taylor
     * polynomial of degree 12 (truncation below 1e-16 for |x / 128| <= 40 / 128), then seven
     * squarings, which multiply the polynomial's rounding error by 128: about 2e-14 relative in all
     * (EgnnTest checks 1e-13 against Math.exp). x is clamped to [-40, 40], where s is 1 to double
     * precision or below 5e-18.
     */
    static void silu(double[] pre, double[] act, double[] slope, int n) {
        // two loops, each small enough for the JIT to unroll and vectorise (one was not)
        for (int k = 0; k < n; k++) {
            double x = Math.min(40.0, Math.max(-40.0, -pre[k])) * (1.0 / 128);
            act[k] = 1.0 + x * (1.0 + x * (1.0 / 2 + x * (1.0 / 6 + x * (1.0 / 24 + x * (1.0 / 120 + x * (1.0 / 720
                    + x * (1.0 / 5040 + x * (1.0 / 40320 + x * (1.0 / 362880 + x * (1.0 / 3628800 + x * (1.0 / 39916800
                    + x * (1.0 / 479001600))))))))))));
        }
        for (int k = 0; k < n; k++) {
            double p = act[k];
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            p *= p;
            double z = pre[k];
            double s = 1 / (1 + p);
            act[k] = z * s;
            slope[k] = s * (1 + z * (1 - s));
        }
    }

    /** a[k] *= b[k] for k < n. */
    private static void multiply(double[] a, double[] b, int n) {
        for (int k = 0; k < n; k++) {
            a[k] *= b[k];
        }
    }

    /** a[ao + k] = g a[ao + k] + b[ao + k] for k < n. */
    private static void scaleAdd(double[] a, int ao, double g, double[] b, int n) {
        for (int k = ao; k < ao + n; k++) {
            a[k] = g * a[k] + b[k];
        }
    }

    /** a[ao + k] += b[bo + k] for k < n. */
    private static void addTo(double[] a, int ao, double[] b, int bo, int n) {
        for (int k = 0; k < n; k++) {
            a[ao + k] += b[bo + k];
        }
    }

    private static void columnSums(double[] a, int rows, int w, double[] into) {
        for (int r = 0; r < rows; r++) {
            int o = r * w;
            for (int k = 0; k < w; k++) {
                into[k] += a[o + k];
            }
        }
    }

    /** a[ao ..] . b[bo ..] over n entries, in eight interleaved sums (a fixed order, no dependency chain). */
    private static double dot(double[] a, int ao, double[] b, int bo, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int k = 0;
        for (; k + 7 < n; k += 8) {
            s0 += a[ao + k] * b[bo + k];
            s1 += a[ao + k + 1] * b[bo + k + 1];
            s2 += a[ao + k + 2] * b[bo + k + 2];
            s3 += a[ao + k + 3] * b[bo + k + 3];
            s4 += a[ao + k + 4] * b[bo + k + 4];
            s5 += a[ao + k + 5] * b[bo + k + 5];
            s6 += a[ao + k + 6] * b[bo + k + 6];
            s7 += a[ao + k + 7] * b[bo + k + 7];
        }
        for (; k < n; k++) {
            s0 += a[ao + k] * b[bo + k];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** sum_k a[ao + k] b[k] c[co + k]. */
    private static double dotScaled(double[] a, int ao, double[] b, double[] c, int co, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            s0 += a[ao + k] * b[k] * c[co + k];
            s1 += a[ao + k + 1] * b[k + 1] * c[co + k + 1];
            s2 += a[ao + k + 2] * b[k + 2] * c[co + k + 2];
            s3 += a[ao + k + 3] * b[k + 3] * c[co + k + 3];
        }
        for (; k < n; k++) {
            s0 += a[ao + k] * b[k] * c[co + k];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
