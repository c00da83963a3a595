/**
 * Randomness shared by training and sampling: every random draw of the library comes from a
 * stream derived from an explicit seed ({@link org.boltzmann4j.bg.random.RandomStreams}).
 */
package org.boltzmann4j.bg.random;
