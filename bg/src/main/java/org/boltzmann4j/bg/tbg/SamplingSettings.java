package org.boltzmann4j.bg.tbg;

import org.boltzmann4j.bg.cnf.DormandPrince;
import org.boltzmann4j.bg.cnf.OdeSolver;
import org.boltzmann4j.bg.cnf.RungeKutta4;

/**
 * How a TBG integrates its ODE for sampling and scoring: dopri5 with tolerances (the TBG paper's 1e-4) or rk4
 * with a fixed number of steps; rows integrated together per chunk of {@code batch}; the seed of the prior draws.
 */
public record SamplingSettings(String solver, double atol, double rtol, int steps, int batch, long seed) {
    public static final String DOPRI5 = "dopri5", RK4 = "rk4";

    public SamplingSettings {
        if (!solver.equals(DOPRI5) && !solver.equals(RK4)) throw new IllegalArgumentException("--solver must be dopri5 or rk4, got " + solver);
        if (!(atol > 0) || !Double.isFinite(atol)) throw new IllegalArgumentException("--atol must be > 0, got " + atol);
        if (!(rtol > 0) || !Double.isFinite(rtol)) throw new IllegalArgumentException("--rtol must be > 0, got " + rtol);
        if (steps < 1) throw new IllegalArgumentException("--steps must be > 0, got " + steps);
        if (batch < 1) throw new IllegalArgumentException("--batch must be > 0, got " + batch);
    }

    /** dopri5, atol = rtol = 1e-4, (rk4: 20 steps), 64 rows per chunk, seed 1. */
    public static SamplingSettings defaults() {
        return new SamplingSettings(DOPRI5, 1e-4, 1e-4, 20, 64, 1);
    }

    public SamplingSettings withSolver(String v) { return new SamplingSettings(v, atol, rtol, steps, batch, seed); }
    public SamplingSettings withAtol(double v) { return new SamplingSettings(solver, v, rtol, steps, batch, seed); }
    public SamplingSettings withRtol(double v) { return new SamplingSettings(solver, atol, v, steps, batch, seed); }
    public SamplingSettings withSteps(int v) { return new SamplingSettings(solver, atol, rtol, v, batch, seed); }
    public SamplingSettings withBatch(int v) { return new SamplingSettings(solver, atol, rtol, steps, v, seed); }
    public SamplingSettings withSeed(long v) { return new SamplingSettings(solver, atol, rtol, steps, batch, v); }

    public OdeSolver odeSolver() {
        return solver.equals(DOPRI5) ? new DormandPrince(atol, rtol) : new RungeKutta4(steps);
    }
}
