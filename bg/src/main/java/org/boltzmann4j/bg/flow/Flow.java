package org.boltzmann4j.bg.flow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A composition of transforms, itself a transform: forward applies the members in order, inverse
 * in reverse order, log-determinants add up (chain rule), and backward runs the members' backward
 * passes in the opposite order of evaluation.
 */
public final class Flow implements Transform {

    private final List<Transform> transforms;

    public Flow(List<? extends Transform> transforms) {
        if (transforms.isEmpty()) {
            throw new IllegalArgumentException("a flow needs at least one transform");
        }
        Transform first = transforms.getFirst();
        for (int i = 1; i < transforms.size(); i++) {
            Transform t = transforms.get(i), previous = transforms.get(i - 1);
            if (t.dimension() != previous.outputDimension() || t.dataType() != first.dataType()) {
                throw new IllegalArgumentException("transform " + i + " takes (" + t.dimension() + ", " + t.dataType()
                        + "), transform " + (i - 1) + " gives (" + previous.outputDimension() + ", " + first.dataType() + ")");
            }
        }
        this.transforms = List.copyOf(transforms);
    }

    public static Flow of(Transform... transforms) {
        return new Flow(List.of(transforms));
    }

    public List<Transform> transforms() {
        return transforms;
    }

    @Override
    public int dimension() {
        return transforms.getFirst().dimension();
    }

    @Override
    public int outputDimension() {
        return transforms.getLast().outputDimension();
    }

    @Override
    public DataType dataType() {
        return transforms.getFirst().dataType();
    }

    /** Every member's parameters once, in member order (a member used twice counts once). */
    @Override
    public List<Parameter> parameters() {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Parameter> all = new ArrayList<>();
        for (Transform t : transforms) {
            for (Parameter p : t.parameters()) {
                if (seen.add(p)) {
                    all.add(p);
                }
            }
        }
        return all;
    }

    /** Names "index.name", index being the member's position in this flow. */
    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> named = new LinkedHashMap<>();
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < transforms.size(); i++) {
            for (Map.Entry<String, Parameter> e : transforms.get(i).namedParameters().entrySet()) {
                if (seen.add(e.getValue())) {
                    named.put(i + "." + e.getKey(), e.getValue());
                }
            }
        }
        return named;
    }

    @Override
    public Pass forwardPass(INDArray z) {
        return run(z, true);
    }

    @Override
    public Pass inversePass(INDArray x) {
        return run(x, false);
    }

    private Pass run(INDArray input, boolean forward) {
        int n = Batches.requireBatch(input, forward ? dimension() : outputDimension(), dataType(), "Flow");
        List<Pass> passes = new ArrayList<>(transforms.size());
        INDArray current = input;
        INDArray logDet = Nd4j.zeros(DataType.DOUBLE, n);
        for (int k = 0; k < transforms.size(); k++) {
            Transform t = transforms.get(forward ? k : transforms.size() - 1 - k);
            Pass p = forward ? t.forwardPass(current) : t.inversePass(current);
            passes.add(p);
            logDet.addi(p.logDet());
            current = p.output();
        }
        return new ChainPass(passes, current, logDet);
    }

    private record ChainPass(List<Pass> passes, INDArray output, INDArray logDet) implements Pass {
        @Override
        public void release() {
            passes.forEach(Pass::release);
        }

        @Override
        public INDArray backward(INDArray gradOutput, INDArray gradLogDet) {
            INDArray g = gradOutput;
            for (int k = passes.size() - 1; k >= 0; k--) {
                // log det of the chain is the sum of the members', so each sees the same dL/d(logDet)
                g = passes.get(k).backward(g, gradLogDet);
            }
            return g;
        }
    }
}
