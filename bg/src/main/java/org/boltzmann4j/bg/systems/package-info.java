/** Molecular systems: OpenMM System XML plus topology, the bundled ones addressable by name. */
package org.boltzmann4j.bg.systems;
