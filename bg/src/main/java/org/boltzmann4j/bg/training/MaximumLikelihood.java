package org.boltzmann4j.bg.training;

import java.util.Objects;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.Transform;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training by example: the mean negative log-likelihood of data under the flow,
 * L = -(1/n) sum_i log q(x_i) with log q(x) = log p_Z(z) + log|det dF^-1/dx|, z = F^-1(x)
 * (the inverse direction of the flow, so no sampling is involved).
 *
 * <p>Gradient: dL/dz_i = -(d log p_Z / dz)(z_i) / n and dL/d(logDet_i) = -1/n, pushed through
 * the inverse pass. In expectation over data from p this is KL(p || q) plus the entropy of p, so
 * its minimum is the entropy -E_p[log p].
 */
public final class MaximumLikelihood implements Loss {

    private final Distribution base;
    private final Transform flow;

    public MaximumLikelihood(Distribution base, Transform flow) {
        this.base = Objects.requireNonNull(base, "base");
        this.flow = Objects.requireNonNull(flow, "flow");
        if (base.dimension() != flow.dimension()) {
            throw new IllegalArgumentException("base is " + base.dimension() + "-dimensional, flow "
                    + flow.dimension());
        }
    }

    @Override
    public Report evaluate(Batch batch) {
        return Report.example(-logQ(data(batch)).meanNumber().doubleValue());
    }

    @Override
    public Report backward(Batch batch, double weight) {
        INDArray x = data(batch);
        int n = (int) x.size(0);
        Transform.Pass pass = flow.inversePass(Tensors.as(x, flow.dataType()));
        INDArray z = Tensors.as(pass.output(), DataType.DOUBLE);
        double nll = -base.logProb(z).addi(pass.logDet()).meanNumber().doubleValue();
        INDArray gradZ = base.gradLogProb(z).muli(-weight / n);
        INDArray gradLogDet = Nd4j.valueArrayOf(new long[] {n}, -weight / n, DataType.DOUBLE);
        pass.backward(Tensors.as(gradZ, flow.dataType()), gradLogDet);
        pass.release();
        return Report.example(nll);
    }

    /**
     * The weighted NLL L = -sum_i c_i log q(x_i) with fixed coefficients c (float64, n), adding
     * {@code weight} * dL/dθ to the gradients through the inverse pass (dL/dz_i = -c_i (d log p_Z/dz)(z_i),
     * dL/d(logDet_i) = -c_i): the gradient of importance-weighted maximum likelihood, shared by the
     * reweighted forward KL and FAB. Returns log q(x_i) (n) at the current parameters.
     */
    static INDArray weightedNllBackward(Distribution base, Transform flow, INDArray x, INDArray c, double weight) {
        return weightedNllBackward(base, flow, x, logQ -> c, weight);
    }

    /**
     * As above with coefficients that depend on log q itself (held fixed in the gradient, a
     * stop-gradient): {@code coefficients} receives log q(x_i) (n, float64) from the same inverse
     * pass and returns c (n), so a loss weighted by a function of q costs one pass, not two.
     */
    static INDArray weightedNllBackward(Distribution base, Transform flow, INDArray x, java.util.function.UnaryOperator<INDArray> coefficients,
            double weight) {
        int n = (int) x.size(0);
        Transform.Pass pass = flow.inversePass(Tensors.as(x, flow.dataType()));
        INDArray z = Tensors.as(pass.output(), DataType.DOUBLE);
        INDArray logQ = base.logProb(z).addi(pass.logDet());
        INDArray c = coefficients.apply(logQ.dup());
        INDArray gradZ = base.gradLogProb(z).muliColumnVector(c.reshape(n, 1)).muli(-weight);
        pass.backward(Tensors.as(gradZ, flow.dataType()), c.mul(-weight));
        pass.release();
        return logQ;
    }

    /** log q(x) per row, float64 (n), without keeping anything for a backward pass. */
    public INDArray logQ(INDArray x) {
        Transform.Result r = flow.inverse(Tensors.as(x, flow.dataType()));
        return base.logProb(Tensors.as(r.output(), DataType.DOUBLE)).addi(r.logDet());
    }

    /**
     * Mean -log q over all rows of {@code x}, evaluated in chunks of {@code chunk} rows so that a
     * large held-out set needs little memory.
     */
    public double meanNll(INDArray x, int chunk) {
        int n = (int) x.size(0);
        double sum = 0;
        for (int start = 0; start < n; start += chunk) {
            int end = Math.min(n, start + chunk);
            INDArray part = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
            sum += logQ(part.dup('c')).sumNumber().doubleValue();
        }
        return -sum / n;
    }

    private INDArray data(Batch batch) {
        INDArray x = batch.data();
        if (x == null) {
            throw new IllegalArgumentException("maximum likelihood needs a data batch");
        }
        if (x.rank() != 2 || x.size(1) != flow.outputDimension() || x.size(0) == 0) {
            throw new IllegalArgumentException("data batch must be (n > 0, " + flow.outputDimension() + "), got "
                    + java.util.Arrays.toString(x.shape()));
        }
        return x;
    }
}
