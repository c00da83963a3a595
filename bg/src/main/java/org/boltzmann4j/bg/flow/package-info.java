/**
 * The flow core: invertible transforms with exact log-determinants and hand-written backward
 * passes, their composition, conditioners, and base densities.
 *
 * <p>A {@link org.boltzmann4j.bg.flow.Transform} maps batches (n, d) both ways and returns
 * log|det J| per sample; {@code forwardPass}/{@code inversePass} return a {@link
 * org.boltzmann4j.bg.flow.Transform.Pass} whose {@code backward(dL/dout, dL/dlogdet)} adds the
 * parameter gradients into each {@link org.boltzmann4j.bg.flow.Parameter} and returns dL/din.
 * Maximum likelihood differentiates the inverse pass, reverse KL the forward pass. Arrays are
 * float64 unless a transform is built for float32; log-densities are always float64; nothing
 * converts between the two silently.
 *
 * <p>Transforms: {@link org.boltzmann4j.bg.flow.RealNvpCoupling} (affine coupling), {@link
 * org.boltzmann4j.bg.flow.RationalQuadraticSplineCoupling} (neural spline coupling, Durkan et al.
 * 2019, with circular splines for angles after Rezende et al. 2020), {@link
 * org.boltzmann4j.bg.flow.Permutation}, {@link org.boltzmann4j.bg.flow.ElementwiseAffine} (also
 * the fixed standardisation of a molecular flow), and {@link org.boltzmann4j.bg.flow.Flow}, their
 * composition.
 * Conditioners ({@link org.boltzmann4j.bg.flow.Mlp}) are separate from the elementwise
 * transformers: a coupling = {@link org.boltzmann4j.bg.flow.CouplingMask} + conditioner +
 * transformer. Base densities: {@link org.boltzmann4j.bg.flow.StandardNormal}, {@link
 * org.boltzmann4j.bg.flow.UniformCircle}, {@link org.boltzmann4j.bg.flow.ProductDistribution}.
 *
 * <p>A spline flow over bonds/angles (interval) and torsions (circular):
 * <pre>
 *   boolean[] circular = ...;                       // true for torsions
 *   List&lt;Transform&gt; layers = new ArrayList&lt;&gt;();
 *   for (int i = 0; i &lt; 8; i++) {
 *       CouplingMask mask = CouplingMask.alternating(circular, i % 2);
 *       layers.add(RationalQuadraticSplineCoupling.builder(mask, seed + i).bins(8).bound(5).build());
 *   }
 *   Flow flow = new Flow(layers);
 *   Distribution base = ProductDistribution.normalAndCircle(circular);
 *   // maximum likelihood step on data x:
 *   Transform.Pass p = flow.inversePass(x);
 *   INDArray gz = base.gradLogProb(p.output()).negi().divi(n);     // dL/dz of L = -mean log q(x)
 *   INDArray gld = Nd4j.valueArrayOf(new long[] {n}, -1.0 / n, DataType.DOUBLE);  // dL/dlogdet
 *   flow.zeroGrad(); p.backward(gz, gld);                            // gradients in flow.parameters()
 * </pre>
 */
package org.boltzmann4j.bg.flow;
