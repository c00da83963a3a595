package org.boltzmann4j.bg.sampling;

import java.util.function.ToDoubleFunction;

/**
 * A number computed from a chain's configuration (atoms * 3, nm) after every move and written as
 * a column of its moves.csv (a dihedral, a distance, a collective variable). The sampler knows
 * nothing of what it means: what follows from the series (state populations, transitions) is
 * computed from the files afterwards.
 *
 * @param column the column header, with its unit ({@code phi_rad})
 */
public record Observable(String column, ToDoubleFunction<double[]> value) {
    public Observable {
        if (column == null || !column.matches("[a-z][a-z0-9_]*"))
            throw new IllegalArgumentException("an observable's column must be lower_case_with_units, got " + column);
    }
}
