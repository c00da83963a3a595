package org.boltzmann4j.bg.tbg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.energy.ThermalEnergy;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.StandardNormal;
import org.boltzmann4j.bg.flow.Transform;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The sampler's bookkeeping on a flow whose every output is known: x = ref + a z, mirrored (x -> -x) in every odd
 * row of a chunk and with atom 0 pulled 0.5 nm away (a broken bond graph) in every third: the counts, the rows kept,
 * their log q (from z recovered from x) and log w (OpenMM energies evaluated here) must be exactly those. And a
 * diastereomer (one of THR's two centres inverted, bonds intact), mirrored or not, is dropped and counted, never kept.
 */
class TbgSamplerTest {
    static final double A = 0.002;

    @Test
    void mirrorsDropsAndWeighsExactly() throws Exception {
        TargetPeptide peptide = TargetPeptide.build("GA", PeptideSystemSettings.defaults());
        int dim = 3 * peptide.atoms();
        double[] ref = peptide.reference();
        Transform flow = new Transform() {
            public int dimension() { return dim; }
            public DataType dataType() { return DataType.DOUBLE; }
            public List<Parameter> parameters() { return List.of(); }
            public Pass inversePass(INDArray x) { throw new UnsupportedOperationException(); }
            public Pass forwardPass(INDArray z) {
                int m = (int) z.size(0);
                double[] zs = Batches.toDoubles(z), x = new double[m * dim];
                for (int r = 0; r < m; r++) {
                    for (int i = 0; i < dim; i++) x[r * dim + i] = ref[i] + A * zs[r * dim + i];
                    if (r % 3 == 0) x[r * dim] += 0.5;
                    if (r % 2 == 1) for (int i = 0; i < dim; i++) x[r * dim + i] = -x[r * dim + i];
                }
                INDArray logDet = Nd4j.valueArrayOf(new long[] {m}, dim * Math.log(A), DataType.DOUBLE);
                return Pass.of(Batches.matrix(x, m, dim, DataType.DOUBLE), logDet, null);
            }
        };
        SamplingSettings settings = SamplingSettings.defaults().withBatch(6).withSeed(4);
        TbgSampler.Result result;
        try (OpenMMEnergy energy = new OpenMMEnergy(peptide.systemXml(), "Reference", Map.of(), 1)) {
            result = TbgSampler.sample(new StandardNormal(dim), flow, "test", peptide, 310, 12, settings, energy, done -> {});
        }
        var v = result.validity();
        assertEquals(12, v.drawn());
        assertEquals(6, v.mirrored(), "rows 1, 3, 5 of each chunk of 6");
        assertEquals(4, v.dropped(), "rows 0, 3 of each chunk");
        assertEquals(8, v.kept());
        assertEquals(0.5, v.chiralityCorrectFraction());
        assertEquals(8.0 / 12, v.validFraction());
        assertEquals(8, result.samples().size());
        // the 4 dropped draws: atom 0 is 0.5 nm from its place, so each of its bonds is missing, and nothing else differs
        List<String> atom0Pairs = new java.util.ArrayList<>();
        for (int[] b : peptide.topology().bonds()) {
            if (b[0] == 0 || b[1] == 0) atom0Pairs.add("missing " + label(peptide, Math.min(b[0], b[1])) + "-" + label(peptide, Math.max(b[0], b[1])));
        }
        assertTrue(atom0Pairs.size() >= 2, "GLY's N has its H and CA: " + atom0Pairs);
        var bonds = v.bonds();
        assertEquals(12, bonds.draws());
        assertEquals(4, bonds.drawsWithDifferences());
        assertEquals(atom0Pairs.size(), bonds.maxDifferences());
        assertEquals(4.0 * atom0Pairs.size() / 12, bonds.meanDifferences(), 1e-12);
        assertEquals(atom0Pairs.stream().sorted().toList(), bonds.mostCommon().stream().map(TbgSampler.BondReport.PairCount::pair).toList());
        for (var pc : bonds.mostCommon()) {
            assertEquals(4, pc.draws(), pc.pair());
            assertTrue(pc.meanNm() > 0.35, pc + ": the pulled atom is far from its partners");
        }
        assertEquals(4.0 / 12, v.toJson().path("bond_graph").path("most_common").get(0).path("draw_fraction").asDouble(), 1e-12);
        // the dropped draws are kept apart, as fixed (right-handed), and atom 0 is where the flow put it
        assertEquals(4, result.dropped().frames());
        INDArray gone = Batches.matrix(result.dropped().xyz(), 4, dim, DataType.DOUBLE);
        for (boolean ok : Chirality.of(peptide.topology(), ref).correct(gone)) assertTrue(ok, "dropped draws are stored after the chirality fix");
        for (int r = 0; r < 4; r++) {
            assertEquals(ref[0] + 0.5, result.dropped().xyz()[r * dim], 10 * A, "draw " + r + ": atom 0's x");
            assertEquals(ref[dim - 1], result.dropped().xyz()[r * dim + dim - 1], 10 * A, "draw " + r + ": the last atom's z");
        }
        INDArray x = Batches.matrix(result.samples().x().xyz(), 8, dim, DataType.DOUBLE);
        for (boolean ok : Chirality.of(peptide.topology(), ref).correct(x)) assertTrue(ok, "every kept sample right-handed");
        for (boolean ok : BondGraph.of(peptide.topology()).matches(x)) assertTrue(ok, "every kept sample has the bond graph");
        double[] xs = result.samples().x().xyz(), energies;
        try (OpenMMEnergy energy = new OpenMMEnergy(peptide.systemXml(), "Reference", Map.of(), 1)) {
            energies = energy.score(xs, 8, false, done -> {}).energies();
        }
        double kT = ThermalEnergy.kT(310);
        for (int r = 0; r < 8; r++) {
            double sq = 0;
            for (int i = 0; i < dim; i++) {
                double z = (xs[r * dim + i] - ref[i]) / A;
                sq += z * z;
            }
            double logQ = -0.5 * sq - 0.5 * dim * Math.log(2 * Math.PI) - dim * Math.log(A);
            assertEquals(logQ, result.samples().logQ()[r], 1e-6 * Math.abs(logQ));
            assertEquals(energies[r], result.samples().energies()[r], 1e-9 * Math.max(1, Math.abs(energies[r])));
            assertEquals(-energies[r] / kT - result.samples().logQ()[r], result.samples().logW()[r], 1e-9 * Math.abs(result.samples().logW()[r]));
        }
    }

    private static String label(TargetPeptide peptide, int i) {
        var a = peptide.topology().atoms().get(i);
        return a.residueName() + a.residueNumber() + ":" + a.name();
    }

    @Test
    void dropsAndCountsDiastereomers() throws Exception {
        TargetPeptide peptide = TargetPeptide.build("TA", PeptideSystemSettings.defaults());
        int dim = 3 * peptide.atoms();
        double[] ref = peptide.reference();
        Chirality chirality = Chirality.of(peptide.topology(), ref);
        assertEquals(3, chirality.centres(), "THR CA, THR CB, ALA CA: " + chirality.centreNames());
        // allo-THR: OG1, HG1 and HB reflected through the plane CA-CB-CG2 invert CB alone and keep every bond length
        double[] allo = ref.clone();
        int ca = atom(peptide, "THR", "CA"), cb = atom(peptide, "THR", "CB"), cg2 = atom(peptide, "THR", "CG2");
        double[] n = cross(minus(ref, cb, ca), minus(ref, cg2, ca));
        double norm = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        for (String name : new String[] {"OG1", "HG1", "HB"}) {
            int a = atom(peptide, "THR", name);
            double[] d = minus(ref, a, ca);
            double along = (d[0] * n[0] + d[1] * n[1] + d[2] * n[2]) / (norm * norm);
            for (int k = 0; k < 3; k++) allo[3 * a + k] -= 2 * along * n[k];
        }
        INDArray alloRow = Batches.matrix(allo, 1, dim, DataType.DOUBLE);
        assertEquals(2, chirality.correctCentres(alloRow)[0], "one centre (THR CB) wrong");
        assertTrue(BondGraph.of(peptide.topology()).matches(alloRow)[0], "the diastereomer keeps the bond graph: only chirality can drop it");
        // rows of a chunk of 4: right-handed, allo, mirror image of right-handed (fixed), mirror image of allo (still mixed)
        Transform flow = new Transform() {
            public int dimension() { return dim; }
            public DataType dataType() { return DataType.DOUBLE; }
            public List<Parameter> parameters() { return List.of(); }
            public Pass inversePass(INDArray x) { throw new UnsupportedOperationException(); }
            public Pass forwardPass(INDArray z) {
                int m = (int) z.size(0);
                double[] zs = Batches.toDoubles(z), x = new double[m * dim];
                for (int r = 0; r < m; r++) {
                    double[] base = r % 2 == 1 ? allo : ref;
                    double sign = r % 4 >= 2 ? -1 : 1;
                    for (int i = 0; i < dim; i++) x[r * dim + i] = sign * (base[i] + A * zs[r * dim + i]);
                }
                INDArray logDet = Nd4j.valueArrayOf(new long[] {m}, dim * Math.log(A), DataType.DOUBLE);
                return Pass.of(Batches.matrix(x, m, dim, DataType.DOUBLE), logDet, null);
            }
        };
        SamplingSettings settings = SamplingSettings.defaults().withBatch(4).withSeed(5);
        TbgSampler.Result result;
        try (OpenMMEnergy energy = new OpenMMEnergy(peptide.systemXml(), "Reference", Map.of(), 1)) {
            result = TbgSampler.sample(new StandardNormal(dim), flow, "test", peptide, 310, 12, settings, energy, done -> {});
        }
        var v = result.validity();
        assertEquals(12, v.drawn());
        assertEquals(3, v.mirrored(), "rows 2 of each chunk of 4 (row 3 is no mirror image)");
        assertEquals(6, v.droppedChirality(), "rows 1, 3 of each chunk");
        assertEquals(0, v.dropped());
        assertEquals(6, v.kept());
        assertEquals(3.0 / 12, v.chiralityCorrectFraction());
        assertEquals(6.0 / 12, v.droppedChiralityFraction());
        assertEquals(6.0 / 12, v.validFraction());
        assertEquals(6, v.toJson().get("dropped_chirality").asInt());
        assertEquals(6, result.dropped().frames(), "the diastereomers are kept apart");
        assertEquals(0.0, v.bonds().meanDifferences(), "no draw's bond graph differs");
        assertEquals(List.of(), v.bonds().mostCommon());
        assertEquals(6, result.samples().size());
        INDArray x = Batches.matrix(result.samples().x().xyz(), 6, dim, DataType.DOUBLE);
        for (boolean ok : chirality.correct(x)) assertTrue(ok, "every kept sample right-handed at every centre");
    }

    private static int atom(TargetPeptide p, String residue, String name) {
        for (int i = 0; i < p.atoms(); i++) {
            var a = p.topology().atoms().get(i);
            if (a.residueName().equals(residue) && a.name().equals(name)) return i;
        }
        throw new AssertionError("no " + residue + " " + name);
    }

    private static double[] minus(double[] x, int a, int b) {
        return new double[] {x[3 * a] - x[3 * b], x[3 * a + 1] - x[3 * b + 1], x[3 * a + 2] - x[3 * b + 2]};
    }

    private static double[] cross(double[] u, double[] w) {
        return new double[] {u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
    }
}
