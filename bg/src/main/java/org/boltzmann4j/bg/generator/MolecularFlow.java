package org.boltzmann4j.bg.generator;

import java.util.ArrayList;
import java.util.List;
import org.boltzmann4j.bg.coordinates.CanonicalInternalCoordinates;
import org.boltzmann4j.bg.coordinates.InternalCoordinateDomain;
import org.boltzmann4j.bg.coordinates.InternalCoordinateLayout;
import org.boltzmann4j.bg.coordinates.ZMatrix;
import org.boltzmann4j.bg.flow.CircularShift;
import org.boltzmann4j.bg.flow.CouplingMask;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.ElementwiseAffine;
import org.boltzmann4j.bg.flow.Flow;
import org.boltzmann4j.bg.flow.Permutation;
import org.boltzmann4j.bg.flow.ProductDistribution;
import org.boltzmann4j.bg.flow.RationalQuadraticSplineCoupling;
import org.boltzmann4j.bg.flow.RealNvpCoupling;
import org.boltzmann4j.bg.flow.Transform;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Assembles the flow of a molecular Boltzmann generator, latent side first:
 *
 * <pre>
 * z ~ N(0, 1) x U(-pi, pi)^circular torsions
 *   -> spline couplings (circular splines on circular torsions) or affine RealNVP couplings (circular
 *      splines on circular torsions still), a random permutation after every second
 *   -> circular torsions rotated back from their circular means (CircularShift)
 *   -> log-bonds, logit-angles and bounded torsions scaled back from their standardisation
 *      (ElementwiseAffine, fixed)
 *   -> bonds = exp, angles = pi sigmoid, bounded torsions = centre + pi (2 sigmoid - 1): the
 *      valid domain                                             (InternalCoordinateDomain)
 *   -> Cartesian coordinates in the canonical frame             (CanonicalInternalCoordinates)
 * </pre>
 *
 * An improper torsion (the Z-matrix places an atom relative to a sibling) is bounded (modelled on an
 * interval about its centre, like a bond or angle) when the data keep it within {@link
 * #BOUNDED_SPREAD} of its circular mean: the stiff impropers that fix chirality and branch
 * geometry. Proper torsions (backbone phi, psi and omega, side-chain and methyl rotations) stay
 * circular, even when one short trajectory keeps them in one basin.
 *
 * In Cartesian mode the couplings act on the standardised 3N coordinates and the last map is the
 * standardisation. Everything but the couplings is fixed: {@link Normalization} holds its
 * numbers, fitted on data (or on one structure for training by energy alone) and saved with the
 * model, so that a loaded model rebuilds the identical flow.
 */
public final class MolecularFlow {
    private MolecularFlow() {}

    /**
     * Largest deviation from the circular mean (radians) for which the data make a torsion
     * bounded; past it the torsion rotates and stays circular.
     */
    public static final double BOUNDED_SPREAD = Math.PI / 2;

    /** Standard deviation (radians) of an improper torsion in {@link #around}: about twice an angle's. */
    public static final double IMPROPER_SPREAD = 0.1;

    /**
     * Fixed normalisation: x = z * exp(logScale) + shift on the standardised coordinates; each
     * torsion's centre (its circular mean: circular torsions are rotated by it, bounded ones are
     * laid out about it); which torsions are bounded.
     */
    public record Normalization(double[] shift, double[] logScale, double[] torsionCentre, boolean[] bounded) {
        public Normalization {
            if (shift.length != logScale.length || shift.length != torsionCentre.length || shift.length != bounded.length)
                throw new IllegalArgumentException("normalisation arrays differ in length");
            shift = shift.clone();
            logScale = logScale.clone();
            torsionCentre = torsionCentre.clone();
            bounded = bounded.clone();
        }

        @Override
        public double[] shift() {
            return shift.clone();
        }

        @Override
        public double[] logScale() {
            return logScale.clone();
        }

        @Override
        public double[] torsionCentre() {
            return torsionCentre.clone();
        }

        @Override
        public boolean[] bounded() {
            return bounded.clone();
        }
    }

    /** The base density and the flow z -> x. */
    public record Built(Distribution base, Flow flow, boolean[] circular) {}

    /**
     * Which flow coordinates are circular: the torsions that are not bounded in internal mode,
     * none in Cartesian mode (where zMatrix may be null).
     */
    public static boolean[] circular(int atoms, ZMatrix zMatrix, FlowArchitecture architecture, boolean[] bounded) {
        if (architecture.coordinates().equals("cartesian")) return new boolean[3 * atoms];
        InternalCoordinateLayout layout = new CanonicalInternalCoordinates(zMatrix).layout();
        boolean[] circular = new boolean[layout.dimension()];
        for (int i : layout.torsionIndices()) circular[i] = !bounded[i];
        return circular;
    }

    /**
     * Normalisation fitted on configurations x (n, 3N) in nm: circular means of the torsions and
     * which are bounded (all data within {@link #BOUNDED_SPREAD} of the mean), then means and
     * standard deviations of the log-bonds, logit-angles and unconstrained bounded torsions
     * (internal), or of the coordinates (Cartesian).
     */
    public static Normalization fit(int atoms, ZMatrix zMatrix, FlowArchitecture architecture, INDArray x) {
        if (architecture.coordinates().equals("cartesian")) {
            int d = 3 * atoms;
            ElementwiseAffine standard = ElementwiseAffine.standardizing(x, DataType.DOUBLE);
            return new Normalization(read(standard.shift()), read(standard.logScale()), new double[d], new boolean[d]);
        }
        CanonicalInternalCoordinates coordinates = new CanonicalInternalCoordinates(zMatrix);
        InternalCoordinateLayout layout = coordinates.layout();
        int d = layout.dimension();
        INDArray ic = coordinates.inverse(x).output();
        boolean[] torsion = new boolean[d];
        for (int i : layout.torsionIndices()) torsion[i] = true;
        double[] centre = CircularShift.centering(ic, torsion, DataType.DOUBLE).shift();
        double[] a = read(ic);
        int n = a.length / d;
        boolean[] bounded = new boolean[d];
        int[] torsions = layout.torsionIndices();
        for (int t = 0; t < torsions.length; t++) {
            int i = torsions[t];
            // Only impropers are candidates: a proper torsion that one short trajectory keeps in
            // one basin (psi, a side chain) can still rotate, and cutting its circle would starve
            // the other basins.
            if (!zMatrix.improper(t)) continue;
            double spread = 0;
            for (int r = 0; r < n; r++) spread = Math.max(spread, Math.abs(CircularShift.wrap(a[r * d + i] - centre[i])));
            bounded[i] = spread < BOUNDED_SPREAD;
        }
        INDArray u = new InternalCoordinateDomain(layout, bounded, centre).unconstrain(ic);
        boolean[] standardized = bounded.clone();
        for (int i : layout.bondIndices()) standardized[i] = true;
        for (int i : layout.angleIndices()) standardized[i] = true;
        ElementwiseAffine standard = layout.standardization(u, standardized);
        return new Normalization(read(standard.shift()), read(standard.logScale()), centre, bounded);
    }

    /**
     * Normalisation around one structure (nm, 3N), for training by energy without data: bonds
     * centred on the structure's with a standard deviation of 0.005 nm, angles with 0.05 rad
     * (about what 300 K gives for bonds to heavy atoms; carried to log-bonds and logit-angles to
     * first order), impropers bounded about the structure's value with {@link #IMPROPER_SPREAD}
     * (the bonded geometry holds them), proper torsions circular and centred on the structure's
     * (without data nothing says which stay near one value). Cartesian: centred on the structure
     * with 0.05 nm.
     */
    public static Normalization around(int atoms, ZMatrix zMatrix, FlowArchitecture architecture, double[] structure) {
        int d = architecture.coordinates().equals("cartesian") ? 3 * atoms : 3 * atoms - 6;
        double[] shift = new double[d], logScale = new double[d], circularShift = new double[d];
        if (architecture.coordinates().equals("cartesian")) {
            for (int j = 0; j < d; j++) {
                shift[j] = structure[j];
                logScale[j] = Math.log(0.05);
            }
            return new Normalization(shift, logScale, circularShift, new boolean[d]);
        }
        CanonicalInternalCoordinates coordinates = new CanonicalInternalCoordinates(zMatrix);
        double[] ic = read(coordinates.inverse(Nd4j.createFromArray(new double[][] {structure})).output());
        InternalCoordinateLayout layout = coordinates.layout();
        for (int i : layout.bondIndices()) {
            shift[i] = Math.log(ic[i]); // d log b = db / b
            logScale[i] = Math.log(0.005 / ic[i]);
        }
        for (int i : layout.angleIndices()) {
            double s = ic[i] / Math.PI; // d logit(theta/pi) = dtheta / (pi s (1 - s))
            shift[i] = Math.log(s / (1 - s));
            logScale[i] = Math.log(0.05 / (Math.PI * s * (1 - s)));
        }
        boolean[] bounded = new boolean[d];
        int[] torsions = layout.torsionIndices();
        for (int t = 0; t < torsions.length; t++) {
            int i = torsions[t];
            circularShift[i] = ic[i];
            if (!zMatrix.improper(t)) continue;
            // An improper places a sibling about its centre (CB about CA relative to C): the bonded
            // geometry keeps it near the structure's value, so it is bounded, t = c + pi (2 sigmoid(u) - 1),
            // and u = 0 +- IMPROPER_SPREAD / (pi / 2) gives t = c +- IMPROPER_SPREAD to first order.
            // Circular and uniform, a third of the draws would stack a sibling onto another atom.
            bounded[i] = true;
            logScale[i] = Math.log(IMPROPER_SPREAD / (Math.PI / 2));
        }
        return new Normalization(shift, logScale, circularShift, bounded);
    }

    public static Built build(int atoms, ZMatrix zMatrix, FlowArchitecture architecture, Normalization normalization) {
        boolean[] dataFlags = circular(atoms, zMatrix, architecture, normalization.bounded());
        int d = dataFlags.length;
        if (normalization.shift().length != d)
            throw new IllegalArgumentException("normalisation has " + normalization.shift().length + " coordinates, the flow " + d);
        // Permutations first, so that the circular flags can be carried from the data side back to
        // the latent side: the base density must know which latent coordinates are circular.
        int couplings = architecture.couplings();
        List<Permutation> permutations = new ArrayList<>();
        for (int i = 1; i < couplings - 1; i += 2) permutations.add(Permutation.random(d, architecture.seed() * 1_000_003L + i));
        boolean[] flags = dataFlags.clone();
        for (int p = permutations.size() - 1; p >= 0; p--) flags = unpermute(permutations.get(p), flags);
        boolean[] latentFlags = flags.clone();

        List<Transform> layers = new ArrayList<>();
        int nextPermutation = 0;
        for (int i = 0; i < couplings; i++) {
            CouplingMask mask = CouplingMask.alternating(flags, i % 2);
            long seed = architecture.seed() + 7919L * i;
            layers.add(architecture.transformer().equals(FlowArchitecture.REALNVP)
                    ? RealNvpCoupling.builder(mask, seed).circularBins(architecture.bins()).hidden(architecture.hidden()).build()
                    : RationalQuadraticSplineCoupling.builder(mask, seed).bins(architecture.bins()).bound(architecture.splineBound())
                            .hidden(architecture.hidden()).build());
            if (i % 2 == 1 && nextPermutation < permutations.size()) {
                Permutation permutation = permutations.get(nextPermutation++);
                layers.add(permutation);
                flags = permutation.permute(flags);
            }
        }
        if (!java.util.Arrays.equals(flags, dataFlags)) throw new IllegalStateException("circular flags lost their way through the permutations");
        if (architecture.coordinates().equals("internal")) {
            double[] circularCentre = normalization.torsionCentre();
            for (int i = 0; i < d; i++) if (!dataFlags[i]) circularCentre[i] = 0;
            layers.add(new CircularShift(circularCentre, dataFlags, DataType.DOUBLE));
            layers.add(ElementwiseAffine.fixed(normalization.shift(), normalization.logScale(), DataType.DOUBLE));
            CanonicalInternalCoordinates coordinates = new CanonicalInternalCoordinates(zMatrix);
            layers.add(new InternalCoordinateDomain(coordinates.layout(), normalization.bounded(), normalization.torsionCentre()));
            layers.add(coordinates);
        } else {
            layers.add(ElementwiseAffine.fixed(normalization.shift(), normalization.logScale(), DataType.DOUBLE));
        }
        return new Built(ProductDistribution.normalAndCircle(latentFlags), new Flow(layers), latentFlags);
    }

    /** The flags of a permutation's inputs, given those of its outputs (output[i] = input[order[i]]). */
    private static boolean[] unpermute(Permutation permutation, boolean[] outputFlags) {
        int[] order = permutation.order();
        boolean[] input = new boolean[order.length];
        for (int i = 0; i < order.length; i++) input[order[i]] = outputFlags[i];
        return input;
    }

    private static double[] read(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }
}
