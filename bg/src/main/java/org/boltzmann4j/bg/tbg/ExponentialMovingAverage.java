package org.boltzmann4j.bg.tbg;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exponential moving average of a network's weights, theta_ema = d theta_ema + (1 - d) theta after every
 * optimizer step, started at the initial weights; the weights a TBG samples with (flow matching's raw weights
 * are noisy from step to step). Float64, updated element by element in a fixed order, so that a resumed run
 * repeats it bit for bit.
 */
public final class ExponentialMovingAverage {
    private final double decay;
    private final List<Parameter> parameters;
    private final Map<String, INDArray> average = new LinkedHashMap<>();

    public ExponentialMovingAverage(List<Parameter> parameters, double decay) {
        if (!(decay >= 0 && decay < 1)) throw new IllegalArgumentException("--ema-decay must lie in [0, 1), got " + decay);
        this.decay = decay;
        this.parameters = List.copyOf(parameters);
        for (Parameter p : parameters) average.put(p.name(), p.value().dup());
    }

    public double decay() {
        return decay;
    }

    public void update() {
        for (Parameter p : parameters) {
            var a = Batches.doubles(average.get(p.name()));
            var x = Batches.doubles(p.value());
            int n = (int) p.size();
            for (int i = 0; i < n; i++) a.put(i, decay * a.get(i) + (1 - decay) * x.get(i));
        }
    }

    /** The averaged weights by name (the live arrays: copy before changing). */
    public Map<String, INDArray> weights() {
        return Collections.unmodifiableMap(average);
    }

    /** Sets the average (a resume); every name and shape must match. */
    public void restore(Map<String, INDArray> saved) {
        if (!saved.keySet().equals(average.keySet())) throw new IllegalArgumentException("EMA names differ from the network's");
        for (Map.Entry<String, INDArray> e : average.entrySet()) e.getValue().assign(saved.get(e.getKey()));
    }
}
