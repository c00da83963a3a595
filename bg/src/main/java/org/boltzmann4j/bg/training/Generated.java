package org.boltzmann4j.bg.training;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A latent batch pushed through the flow, with what both energy losses need: x = F(z) in the
 * flow's data type, reduced energies u = U(x)/kT and log q(x), float64. The reverse-KL term
 * computes it anyway; handing it to the reweighted forward-KL term of the same step spares a
 * second forward pass and, above all, a second energy evaluation (the expensive part with
 * OpenMM). The parameters do not change between the two terms, so the values are the same.
 */
record Generated(INDArray x, INDArray reducedEnergies, INDArray logQ) {}
