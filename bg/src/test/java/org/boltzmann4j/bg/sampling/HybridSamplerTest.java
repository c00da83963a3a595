package org.boltzmann4j.bg.sampling;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.boltzmann4j.bg.analysis.AutocorrelationTime;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactness of the hybrid sampler on a particle in a double well (OpenMM CustomExternalForce,
 * scripts/make-toy-systems.py): U = A((x/s)^2 - 1)^2 + K/2 (y^2 + z^2), A = 6 kJ/mol, s = 0.1 nm,
 * K = 400 kJ/mol/nm^2, at 300 K (kT = 2.494 kJ/mol, barrier 2.4 kT). The sampled histogram of x
 * must match the exact Boltzmann marginal p(x) ~ exp(-A((x/s)^2-1)^2/kT).
 *
 * <p>Chi-square with correlated samples: the variance of a bin count grows by the integrated
 * autocorrelation time tau (of the bin indicators; we use the largest tau of x over the chains, a
 * conservative bound), so chi2 / tau follows chi-square with bins - 1 degrees of freedom. We
 * require it below the 0.999 quantile at a fixed seed; the run is long enough that a wrong
 * acceptance rule (e.g. dropping the q ratio) exceeds it many times over (checked below).
 */
class HybridSamplerTest {
    static final double A = 6, S = 0.1, KT = org.boltzmann4j.bg.energy.ThermalEnergy.kT(300);
    static final int BINS = 16;
    static final double LO = -0.16, HI = 0.16;
    @TempDir Path dir;

    static String xml() throws Exception {
        try (InputStream in = HybridSamplerTest.class.getResourceAsStream("/toy/double-well-particle.xml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Exact probabilities of the bins (and the outside mass in the last slot) by quadrature. */
    static double[] exactBins() {
        int fine = 200_000;
        double lo = -0.3, hi = 0.3, h = (hi - lo) / fine;
        double[] p = new double[BINS + 1];
        double total = 0;
        for (int i = 0; i < fine; i++) {
            double x = lo + (i + 0.5) * h;
            double w = Math.exp(-A * Math.pow((x / S) * (x / S) - 1, 2) / KT) * h;
            total += w;
            int b = bin(x);
            p[b < 0 ? BINS : b] += w;
        }
        for (int i = 0; i <= BINS; i++) p[i] /= total;
        return p;
    }

    static int bin(double x) {
        if (x < LO || x >= HI) return -1;
        return (int) ((x - LO) / (HI - LO) * BINS);
    }

    record Check(double chi2OverTau, double quantile, double tau, int samples) {}

    static Check check(Path out, int chains) throws Exception {
        double[] expected = exactBins();
        long[] counts = new long[BINS + 1];
        int total = 0;
        double tau = 1;
        for (int c = 0; c < chains; c++) {
            var frames = Dcd.read(out.resolve(String.format("chain-%03d/trajectory.dcd", c))).frames();
            double[] xs = new double[frames.frames()];
            for (int f = 0; f < frames.frames(); f++) {
                xs[f] = frames.get(f, 0, 0);
                int b = bin(xs[f]);
                counts[b < 0 ? BINS : b]++;
                total++;
            }
            tau = Math.max(tau, AutocorrelationTime.integrated(xs).tau());
        }
        double chi2 = 0;
        for (int i = 0; i <= BINS; i++) {
            double e = expected[i] * total;
            if (e > 0) chi2 += (counts[i] - e) * (counts[i] - e) / e;
        }
        double quantile = new ChiSquaredDistribution(BINS).inverseCumulativeProbability(0.999);
        return new Check(chi2 / tau, quantile, tau, total);
    }

    static HybridSettings settings(LocalMove local, int flowEvery, long steps, int saveEvery, int chains) {
        return HybridSettings.defaults().withSteps(steps).withFlowEvery(flowEvery).withLocal(local).withLocalSteps(10).withDtPs(0.002)
                .withSaveEvery(saveEvery).withChains(chains).withSeed(2024).withThreads(2).withCheckpointEverySeconds(60);
    }

    /** The Langevin runs below: segments of 50 steps, a flow move and a frame every 100 steps, 3 chains, seed 7. */
    static HybridSettings langevin(long steps, int threads) {
        return HybridSettings.defaults().withSteps(steps).withFlowEvery(100).withLocal(LocalMove.LANGEVIN).withLocalSteps(50).withDtPs(0.002)
                .withSaveEvery(100).withChains(3).withSeed(7).withThreads(threads).withCheckpointEverySeconds(0);
    }

    /** A Gaussian covering both wells: a poor but valid proposal (acceptance well below 1). */
    static GaussianProposal proposal() {
        return new GaussianProposal(new double[] {0, 0, 0}, new double[] {0.12, 0.06, 0.06});
    }

    @Test
    void flowOnlyChainsSampleTheBoltzmannMarginal() throws Exception {
        Path out = dir.resolve("flow");
        var result = HybridSampler.run(xml(), new double[] {-0.1, 0, 0}, proposal(), List.of(),
                settings(LocalMove.NONE, 10, 200_000, 10, 4), out, false, null);
        Check check = check(out, 4);
        assertTrue(check.chi2OverTau() < check.quantile(), check.toString());
        var summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        double acceptance = summary.path("flow_acceptance").asDouble();
        assertTrue(acceptance > 0.05 && acceptance < 0.95, "flow acceptance " + acceptance);
        assertEquals(4 * 20_000, result.chains().stream().mapToLong(HybridSampler.ChainSummary::flowMoves).sum());
    }

    @Test
    void hmcChainsSampleTheBoltzmannMarginal() throws Exception {
        Path out = dir.resolve("hmc");
        HybridSampler.run(xml(), new double[] {-0.1, 0, 0}, null, List.of(),
                settings(LocalMove.HMC, 0, 400_000, 50, 4), out, false, null);
        Check check = check(out, 4);
        assertTrue(check.chi2OverTau() < check.quantile(), check.toString());
        var summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        double acceptance = summary.path("local_acceptance").asDouble();
        assertTrue(acceptance > 0.5 && acceptance < 1, "HMC acceptance " + acceptance);
    }

    @Test
    void hybridHmcAndFlowSampleTheBoltzmannMarginal() throws Exception {
        Path out = dir.resolve("hybrid");
        HybridSampler.run(xml(), new double[] {0.1, 0, 0}, proposal(), List.of(),
                settings(LocalMove.HMC, 50, 400_000, 50, 4), out, false, null);
        Check check = check(out, 4);
        assertTrue(check.chi2OverTau() < check.quantile(), check.toString());
    }

    /** The check has power: without the q(x)/q(x') factor the same run fails it. */
    @Test
    void aWrongAcceptanceRuleIsDetected() throws Exception {
        Path out = dir.resolve("wrong");
        GaussianProposal biased = proposal();
        Proposal uniformLogQ = new Proposal() {
            public int dimension() {
                return 3;
            }

            public Draws draw(int n, java.util.random.RandomGenerator random) {
                Draws d = biased.draw(n, random);
                return new Draws(d.x(), new double[n]); // pretends q is flat: biased toward q
            }

            public double[] logQ(double[] x, int n) {
                return new double[n];
            }
        };
        HybridSampler.run(xml(), new double[] {-0.1, 0, 0}, uniformLogQ, List.of(),
                settings(LocalMove.NONE, 10, 200_000, 10, 4), out, false, null);
        Check check = check(out, 4);
        assertTrue(check.chi2OverTau() > check.quantile(), check.toString());
    }

    @Test
    void langevinChainsAreReproducibleAndResumeExactly() throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b"), c = dir.resolve("c");
        HybridSampler.run(xml(), new double[] {-0.1, 0, 0}, proposal(), List.of(), langevin(4000, 3), a, false, null);
        HybridSampler.run(xml(), new double[] {-0.1, 0, 0}, proposal(), List.of(), langevin(4000, 1), b, false, null);
        for (int k = 0; k < 3; k++) {
            String t = String.format("chain-%03d/trajectory.dcd", k);
            assertArrayEquals(Files.readAllBytes(a.resolve(t)), Files.readAllBytes(b.resolve(t)), "chain " + k + ", 3 threads vs 1");
        }
        // half the run, then resumed to the end: the same chains
        HybridSampler.run(xml(), new double[] {-0.1, 0, 0}, proposal(), List.of(), langevin(2000, 3), c, false, null);
        HybridSampler.run(xml(), new double[] {-0.1, 0, 0}, proposal(), List.of(), langevin(4000, 3), c, true, null);
        for (int k = 0; k < 3; k++) {
            String chain = String.format("chain-%03d/", k);
            assertArrayEquals(Dcd.read(a.resolve(chain + "trajectory.dcd")).frames().xyz(), Dcd.read(c.resolve(chain + "trajectory.dcd")).frames().xyz(), 0.0);
            assertArrayEquals(Npy.read(a.resolve(chain + "energies.npy")).asDoubles(), Npy.read(c.resolve(chain + "energies.npy")).asDoubles(), 0.0);
            assertEquals(Files.readAllLines(a.resolve(chain + "moves.csv")), Files.readAllLines(c.resolve(chain + "moves.csv")));
        }
        List<String> moves = Files.readAllLines(a.resolve("chain-000/moves.csv"));
        assertEquals("step,move,accepted,du_kjmol,dlogq", moves.getFirst());
        assertEquals(80 + 40, moves.size() - 1); // 80 Langevin segments of 50 steps, 40 flow moves
    }

    /**
     * An observable is a column of moves.csv, computed from the configuration after each move: at
     * a saved step the last move's value is the saved frame's (here x in nm, so the DCD's float32
     * Angstrom rounding bounds the difference); counts computed from it afterwards join the summary.
     */
    @Test
    void observablesAreRecordedPerMoveAndCountsJoinTheSummary() throws Exception {
        Path out = dir.resolve("observed");
        List<Observable> x = List.of(new Observable("x_nm", c -> c[0]));
        var settings = langevin(2000, 2);
        var result = HybridSampler.run(xml(), new double[] {-0.1, 0, 0}, proposal(), x, settings, out, false, null);
        List<String> lines = Files.readAllLines(out.resolve("chain-001/moves.csv"));
        assertEquals("step,move,accepted,du_kjmol,dlogq,x_nm", lines.getFirst());
        double[] column = HybridSampler.movesColumn(out, 1, "x_nm");
        assertEquals(lines.size() - 1, column.length);
        var frames = Dcd.read(out.resolve("chain-001/trajectory.dcd")).frames();
        // per 100 steps: 2 Langevin segments and a flow move, the flow move last
        for (int f = 0; f < frames.frames(); f++) assertEquals(frames.get(f, 0, 0), column[3 * f + 2], 1e-6, "frame " + f);
        HybridSummary.of(settings, result).withCounts("sign_changes", new long[] {1, 2, 3}).write(out);
        var summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(6, summary.path("sign_changes").asLong());
        assertEquals(2, summary.path("per_chain").get(1).path("sign_changes").asLong());
        assertEquals(6e6 / summary.path("energy_evaluations").asLong(), summary.path("sign_changes_per_million_evaluations").asDouble(), 1e-12);
    }

    @Test
    void acceptanceFormulaMatchesAHandComputation() {
        double kT = 2.5;
        // U: 10 -> 12.5 (dU/kT = 1); log q: -3 -> -2.5 (log q(x) - log q(x') = -0.5): log alpha = -1.5
        assertEquals(-1.5, MetropolisHastings.logAcceptIndependence(10, 12.5, -3, -2.5, kT), 1e-15);
        // downhill and more probable under the target than the proposal: accepted for sure
        assertEquals(0, MetropolisHastings.logAcceptIndependence(12.5, 10, -2.5, -3, kT));
        assertEquals(Double.NEGATIVE_INFINITY, MetropolisHastings.logAcceptIndependence(10, Double.NaN, 0, 0, kT));
        assertEquals(Double.NEGATIVE_INFINITY, MetropolisHastings.logAcceptIndependence(10, Double.POSITIVE_INFINITY, 0, 0, kT));
        assertEquals(0, MetropolisHastings.logAcceptIndependence(Double.POSITIVE_INFINITY, 10, 0, 0, kT));
        assertTrue(MetropolisHastings.accept(-1.5, Math.exp(-1.5) * 0.999));
        assertFalse(MetropolisHastings.accept(-1.5, Math.exp(-1.5) * 1.001));
        assertEquals(-0.4, MetropolisHastings.logAcceptHamiltonian(5, 6, 2.5), 1e-15);
    }
}
