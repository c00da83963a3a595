/**
 * The engine of {@code bg dataset} on Apache Spark's core RDD API: embedded {@code local[N]} by
 * default, a standalone, YARN or Kubernetes cluster by its master URL, the same code path. The
 * only package of boltzmann4j that imports Spark; the core finds it through {@link
 * java.util.ServiceLoader} ({@link org.boltzmann4j.bg.dataset.DatasetEngine}).
 */
package org.boltzmann4j.spark;
