package org.boltzmann4j.bg.cnf;

import java.util.List;
import org.boltzmann4j.bg.flow.Parameter;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The E(3)-equivariant graph network (EGNN, Satorras et al. 2021, as the TBG uses it) on the fully
 * connected graph of one molecule: node features (N, F) and time in, a centre-of-mass-free velocity
 * (B, 3N) out. CONTRACT SKELETON: the egnn branch fills it in (architecture and parameter names in
 * /work/brief/tbg.md).
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

    public Egnn(Architecture architecture, long seed) {
        throw new UnsupportedOperationException("Egnn: contract skeleton, filled by the egnn branch");
    }

    public Architecture architecture() {
        throw new UnsupportedOperationException();
    }

    /** Every weight, named as in the brief ("embed.w", "layer0.edge1.w", ...), float64. */
    public List<Parameter> parameters() {
        throw new UnsupportedOperationException();
    }

    /** The network bound to one molecule (node features (N, F)): a field on rows of length 3N with exact divergence. */
    public VectorField field(INDArray nodeFeatures) {
        throw new UnsupportedOperationException();
    }

    /**
     * A training pass: velocities of x (B, 3N) at per-row times t (B); {@link TrainingPass#backward}
     * accumulates d loss / d parameter into the parameters' grads (adds, so groups of molecules of
     * different sizes accumulate into one step).
     */
    public TrainingPass trainingPass(INDArray nodeFeatures, INDArray x, INDArray t) {
        throw new UnsupportedOperationException();
    }

    /** Forward results of a training pass and its backward. */
    public interface TrainingPass {
        INDArray velocity();

        void backward(INDArray gradVelocity);
    }
}
