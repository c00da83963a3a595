package org.boltzmann4j.bg.tbg;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.boltzmann4j.bg.cnf.ContinuousFlow;
import org.boltzmann4j.bg.cnf.MeanFreeNormal;
import org.boltzmann4j.bg.cnf.OdeSolver;
import org.boltzmann4j.bg.energy.Energy;
import org.boltzmann4j.bg.energy.ThermalEnergy;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.Transform;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.boltzmann4j.bg.generator.SampleSet;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.random.RandomStreams;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Samples and scores one peptide with a trained TBG. Sampling: prior draws z (chunk c from
 * {@code RandomStreams.of(seed, RandomStreams.TBG_SAMPLE, c)}), integrated forward with the exact divergence to x and
 * log q(x); every x whose stereocentres all have the wrong sign (the mirror image) is mirrored (x -> -x keeps q and
 * the energy) and counted; every x that is still not right-handed at every centre afterwards (a diastereomer: some
 * centres right, some wrong, which no reflection fixes) is dropped and counted as such; every remaining x whose bond
 * graph from distances differs from the topology's is dropped and counted; the kept ones get OpenMM energies and
 * log w = -U/kT - log q. Scoring: log q of given configurations (centred first: the density lives on the
 * centre-of-mass-free subspace) by integrating backward.
 *
 * <p>Why log w has no log 2: mirroring folds both handednesses together, so the density of a kept x is
 * q(x) + q(-x) = 2 q(x) (q(-x) = q(x): equivariant field, symmetric prior), and the dropped draws are a further
 * mass the kept ones lack. Both are constants across samples, so they cancel in everything computed from log w here
 * and in bg evaluate (self-normalised weights, ESS); log w is, like -U/kT, defined up to a constant. An absolute
 * estimate of the right-handed partition function from these samples would need the mean of
 * exp(log w - log 2) over all drawn rows, dropped ones counted as zero.
 */
public final class TbgSampler {

    /**
     * What became of the draws: mirrored (the mirror image, fixed), droppedChirality (not right-handed at every
     * centre after the fix: a diastereomer), dropped (right-handed but with the wrong bond graph) and kept, and the
     * solver's work summed over chunks. drawn = kept + dropped + droppedChirality.
     */
    public record Validity(int drawn, int mirrored, int droppedChirality, int dropped, int kept, int stereocentres, String solver,
            long functionEvaluations, long acceptedSteps, long rejectedSteps, double seconds, BondReport bonds) {
        /** Fraction of draws right-handed at every centre as drawn (neither mirrored nor dropped for chirality). */
        public double chiralityCorrectFraction() {
            return drawn == 0 ? Double.NaN : (double) (drawn - mirrored - droppedChirality) / drawn;
        }

        /** Fraction of draws dropped for a mix of right and wrong centres. */
        public double droppedChiralityFraction() {
            return drawn == 0 ? Double.NaN : (double) droppedChirality / drawn;
        }

        /** Fraction of draws kept: right-handed (after the fix) and with the topology's bond graph. */
        public double validFraction() {
            return drawn == 0 ? Double.NaN : (double) kept / drawn;
        }

        public ObjectNode toJson() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("drawn", drawn).put("mirrored", mirrored).put("dropped_chirality", droppedChirality).put("dropped_bond_graph", dropped)
                    .put("kept", kept).put("stereocentres", stereocentres).put("chirality_correct_fraction", chiralityCorrectFraction())
                    .put("chirality_fixed_fraction", drawn == 0 ? Double.NaN : (double) mirrored / drawn)
                    .put("dropped_chirality_fraction", droppedChiralityFraction())
                    .put("valid_fraction", validFraction());
            o.putObject("solver").put("method", solver).put("function_evaluations", functionEvaluations)
                    .put("accepted_steps", acceptedSteps).put("rejected_steps", rejectedSteps).put("seconds", seconds);
            o.set("bond_graph", bonds.toJson());
            return o;
        }
    }

    /**
     * How far the draws are from the topology's bond graph: per draw (after the chirality fix) the number of
     * atom pairs whose bond from distance differs ({@link BondGraph#compare}; 0 for a valid draw), their mean and
     * largest, and the pairs that differ most often, with the fraction of draws where each does and its mean
     * distance. While few draws are valid, the mean is the measure of how close training has come.
     */
    public record BondReport(int draws, double meanDifferences, int maxDifferences, int drawsWithDifferences, List<PairCount> mostCommon) {
        /** How many of the most frequent pairs are reported. */
        public static final int TOP = 10;

        public record PairCount(String pair, int draws, double meanNm) {}

        static BondReport of(List<List<BondGraph.Difference>> perDraw) {
            Map<String, double[]> counts = new HashMap<>(); // pair -> {draws, sum of distances}
            long total = 0;
            int max = 0, with = 0;
            for (List<BondGraph.Difference> d : perDraw) {
                total += d.size();
                max = Math.max(max, d.size());
                if (!d.isEmpty()) with++;
                for (BondGraph.Difference x : d) {
                    double[] c = counts.computeIfAbsent(x.pair(), k -> new double[2]);
                    c[0]++;
                    c[1] += x.distanceNm();
                }
            }
            List<PairCount> top = counts.entrySet().stream()
                    .map(e -> new PairCount(e.getKey(), (int) e.getValue()[0], e.getValue()[1] / e.getValue()[0]))
                    .sorted(Comparator.comparingInt(PairCount::draws).reversed().thenComparing(PairCount::pair))
                    .limit(TOP).toList();
            return new BondReport(perDraw.size(), perDraw.isEmpty() ? Double.NaN : (double) total / perDraw.size(), max, with, top);
        }

        public ObjectNode toJson() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("mean_differences_per_draw", meanDifferences).put("max_differences_per_draw", maxDifferences)
                    .put("draws_with_differences", drawsWithDifferences);
            var a = o.putArray("most_common");
            for (PairCount p : mostCommon) {
                a.addObject().put("pair", p.pair()).put("draw_fraction", draws == 0 ? Double.NaN : (double) p.draws() / draws)
                        .put("mean_nm", p.meanNm());
            }
            return o;
        }
    }

    /** The kept samples (in draw order), the dropped draws (after the chirality fix, in draw order) and what happened to all draws. */
    public record Result(SampleSet samples, Frames dropped, Validity validity) {}

    private TbgSampler() {}

    /**
     * n draws of the peptide, their validity and, for the valid ones, energies and log-weights at the model's
     * temperature.
     *
     * @param energy the peptide's OpenMM energy (its System), or any Energy of 3N coordinates
     * @param progress called with the number of draws done after each chunk
     */
    public static Result sample(TbgModel model, TargetPeptide peptide, int n, SamplingSettings settings, Energy energy, IntConsumer progress) {
        OdeSolver solver = settings.odeSolver();
        return sample(model.prior(peptide.atoms()), model.flow(peptide.topology(), solver), solver.describe(), peptide,
                model.manifest().system().temperatureK(), n, settings, energy, progress);
    }

    /**
     * The same for any prior and flow of the peptide's 3N coordinates (a {@link ContinuousFlow}'s solver work is
     * counted; other flows count none): what the TBG's sampling is, apart from where its flow comes from.
     */
    public static Result sample(Distribution prior, Transform flow, String solverName, TargetPeptide peptide, double temperatureK, int n,
            SamplingSettings settings, Energy energy, IntConsumer progress) {
        if (n < 1) throw new IllegalArgumentException("--n must be >= 1, got " + n);
        int atoms = peptide.atoms(), dim = 3 * atoms;
        Chirality chirality = Chirality.of(peptide.topology(), peptide.reference());
        BondGraph bonds = BondGraph.of(peptide.topology());
        double kT = ThermalEnergy.kT(temperatureK);
        double[] x = new double[n * dim], logQ = new double[n], energies = new double[n], logW = new double[n], droppedX = new double[n * dim];
        List<List<BondGraph.Difference>> differences = new ArrayList<>(n);
        int kept = 0, mirrored = 0, droppedChirality = 0, dropped = 0;
        long evaluations = 0, accepted = 0, rejected = 0;
        long start = System.nanoTime();
        for (int first = 0, chunk = 0; first < n; first += settings.batch(), chunk++) {
            int m = Math.min(settings.batch(), n - first);
            var p = BoltzmannGenerator.propose(prior, flow, m, RandomStreams.of(settings.seed(), RandomStreams.TBG_SAMPLE, chunk));
            if (flow instanceof ContinuousFlow cnf) {
                OdeSolver.Solution work = cnf.lastSolution();
                evaluations += work.functionEvaluations();
                accepted += work.acceptedSteps();
                rejected += work.rejectedSteps();
            }
            INDArray xs = p.x();
            for (boolean b : chirality.fix(xs)) if (b) mirrored++;
            boolean[] handed = chirality.correct(xs), valid = new boolean[m];
            double[] rows = Batches.toDoubles(xs), lq = Batches.toDoubles(p.logQ());
            int keptHere = 0;
            for (int i = 0; i < m; i++) {
                List<BondGraph.Difference> d = bonds.compare(java.util.Arrays.copyOfRange(rows, i * dim, (i + 1) * dim));
                differences.add(d);
                valid[i] = d.isEmpty(); // BondGraph.matches, with what differs kept for the report
                if (!handed[i] || !valid[i]) {
                    System.arraycopy(rows, i * dim, droppedX, (droppedChirality + dropped) * dim, dim);
                }
                if (!handed[i]) {
                    droppedChirality++;
                    valid[i] = false;
                } else if (!valid[i]) {
                    dropped++;
                } else {
                    keptHere++;
                }
            }
            if (keptHere > 0) {
                double[] good = new double[keptHere * dim];
                for (int i = 0, j = 0; i < m; i++) {
                    if (!valid[i]) continue;
                    System.arraycopy(rows, i * dim, good, j * dim, dim);
                    logQ[kept + j] = lq[i];
                    j++;
                }
                double[] e = Batches.toDoubles(energy.evaluate(Batches.matrix(good, keptHere, dim, DataType.DOUBLE), false).energies());
                for (int j = 0; j < keptHere; j++) {
                    energies[kept + j] = e[j];
                    logW[kept + j] = -e[j] / kT - logQ[kept + j];
                }
                System.arraycopy(good, 0, x, kept * dim, keptHere * dim);
            }
            kept += keptHere;
            progress.accept(first + m);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        var validity = new Validity(n, mirrored, droppedChirality, dropped, kept, chirality.centres(), solverName, evaluations, accepted, rejected, seconds,
                BondReport.of(differences));
        SampleSet samples = new SampleSet(new Frames(kept, atoms, java.util.Arrays.copyOf(x, kept * dim)), java.util.Arrays.copyOf(logQ, kept),
                java.util.Arrays.copyOf(energies, kept), java.util.Arrays.copyOf(logW, kept));
        int out = droppedChirality + dropped;
        return new Result(samples, new Frames(out, atoms, java.util.Arrays.copyOf(droppedX, out * dim)), validity);
    }

    /**
     * log q of configurations (nm; each centred first), by integrating backward, {@code settings.batch()} rows per
     * solve (bg tbg score). With dopri5 the rows of one solve share its step sizes, so a row's value depends, within
     * the tolerance, on which rows it was solved with; {@link #logQPerRow} does not.
     */
    public static double[] logQ(TbgModel model, TargetPeptide peptide, Frames frames, SamplingSettings settings) {
        return logQ(model.prior(peptide.atoms()), model.flow(peptide.topology(), settings.odeSolver()), peptide, frames, settings.batch());
    }

    /**
     * The same as one deterministic function of each configuration, whatever else is scored with it (up to the
     * rounding of batched arithmetic): dopri5 solves one row at a time (its adaptive step sizes would otherwise be
     * shared by a solve's rows), rk4 takes {@code settings.batch()} rows per solve (fixed steps: rows never interact).
     * What a Metropolis-Hastings proposal needs, so that q(x) of a state is the same number whether x is the
     * proposal or the current state. Cost with dopri5: a solve per row, without the batching of the field's
     * matrix products.
     */
    public static double[] logQPerRow(Distribution prior, Transform flow, TargetPeptide peptide, Frames frames, SamplingSettings settings) {
        return logQ(prior, flow, peptide, frames, settings.solver().equals(SamplingSettings.RK4) ? settings.batch() : 1);
    }

    private static double[] logQ(Distribution prior, Transform flow, TargetPeptide peptide, Frames frames, int rowsPerSolve) {
        int atoms = peptide.atoms(), dim = 3 * atoms;
        if (frames.atoms() != atoms)
            throw new IllegalArgumentException("configurations of " + frames.atoms() + " atoms, " + peptide.name() + " has " + atoms);
        int n = frames.frames();
        double[] out = new double[n];
        for (int first = 0; first < n; first += rowsPerSolve) {
            int m = Math.min(rowsPerSolve, n - first);
            double[] rows = java.util.Arrays.copyOfRange(frames.xyz(), first * dim, (first + m) * dim);
            MeanFreeNormal.removeMean(rows, 3 * atoms);
            INDArray lq = BoltzmannGenerator.logQ(prior, flow, Batches.matrix(rows, m, dim, DataType.DOUBLE));
            System.arraycopy(Batches.toDoubles(lq), 0, out, first, m);
        }
        return out;
    }
}
