package org.boltzmann4j.bg.training;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Explicit type conversions at the boundary between float64 losses and a (maybe float32) flow. */
final class Tensors {

    private Tensors() {}

    static INDArray as(INDArray a, DataType type) {
        return a.dataType() == type ? a : a.castTo(type);
    }
}
