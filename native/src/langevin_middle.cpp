// See langevin_middle.h.

#include "langevin_middle.h"

#include <openmm/reference/ReferenceConstraints.h>
#include <openmm/reference/ReferencePlatform.h>
#include <openmm/reference/SimTKOpenMMRealType.h>

#include <cmath>

using namespace OpenMM;

namespace b4j {

namespace {

// Ziggurat tables for f(x) = exp(-x^2/2) with 256 layers of area V each (R and V from
// Marsaglia and Tsang's construction for 256 layers): X[0] = V/f(R) is the base strip's width
// (rectangle plus tail), X[1] = R, X[i+1] = f^-1(V/X[i] + f(X[i])), X[256] = 0; F[i] = f(X[i]).
struct Ziggurat {
    static constexpr int kLayers = 256;
    static constexpr double R = 3.6541528853610088;
    static constexpr double V = 0.00492867323399;
    double x[kLayers + 1], f[kLayers + 1];
    Ziggurat() {
        x[0] = V / std::exp(-0.5 * R * R);
        x[1] = R;
        for (int i = 1; i < kLayers - 1; ++i) x[i + 1] = std::sqrt(-2.0 * std::log(V / x[i] + std::exp(-0.5 * x[i] * x[i])));
        x[kLayers] = 0.0;
        for (int i = 0; i <= kLayers; ++i) f[i] = std::exp(-0.5 * x[i] * x[i]);
    }
};

const Ziggurat &ziggurat() {
    static const Ziggurat table;
    return table;
}

uint64_t splitmix64(uint64_t &state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

}  // namespace

void NormalStream::seed(uint32_t seed) {
    seed_ = seed;
    uint64_t sm = 0x62346A4C00000000ull ^ seed;  // "b4jL" tag in the high word
    for (uint64_t &w : s_) w = splitmix64(sm);
}

void NormalStream::getState(uint64_t out[kStateWords]) const {
    for (int i = 0; i < kStateWords; ++i) out[i] = s_[i];
}

void NormalStream::setState(uint32_t seed, const uint64_t in[kStateWords]) {
    seed_ = seed;
    for (int i = 0; i < kStateWords; ++i) s_[i] = in[i];
}

double NormalStream::normal() {
    const Ziggurat &z = ziggurat();
    for (;;) {
        uint64_t bits = next();
        int i = static_cast<int>(bits & 0xFF);
        double u = 2.0 * ((bits >> 11) * 0x1.0p-53) - 1.0;  // (-1, 1), from bits disjoint from i
        double x = u * z.x[i];
        if (std::fabs(x) < z.x[i + 1]) return x;
        if (i == 0) {
            // the tail beyond R (Marsaglia 1964)
            double t, y;
            do {
                t = -std::log1p(-uniform()) / Ziggurat::R;
                y = -std::log1p(-uniform());
            } while (y + y < t * t);
            return u < 0 ? -(Ziggurat::R + t) : Ziggurat::R + t;
        }
        if (z.f[i + 1] + (z.f[i] - z.f[i + 1]) * uniform() < std::exp(-0.5 * x * x)) return x;
    }
}

void NormalStream::fill(double *out, int count) {
    for (int k = 0; k < count; ++k) out[k] = normal();
}

LangevinMiddleStepper::LangevinMiddleStepper(const System &system) {
    int n = system.getNumParticles();
    inverseMasses_.resize(n);
    for (int i = 0; i < n; ++i) {
        double m = system.getParticleMass(i);
        inverseMasses_[i] = m == 0.0 ? 0.0 : 1.0 / m;
    }
    normals_.resize(3 * static_cast<size_t>(n));
    xPrime_.resize(n);
    oldx_.resize(n);
    constrained_ = system.getNumConstraints() > 0;
    virtualSites_ = false;
    for (int i = 0; i < n; ++i) virtualSites_ = virtualSites_ || system.isVirtualSite(i);
}

// One step is what LangevinMiddleIntegrator::step does per step on the Reference platform
// (updateContextState, forces of the integration groups, then
// ReferenceLangevinMiddleDynamics::update, time and step count), in the same order.
void LangevinMiddleStepper::step(ContextImpl &impl, const LangevinMiddleIntegrator &integrator, int steps) {
    auto *data = reinterpret_cast<ReferencePlatform::PlatformData *>(impl.getPlatformData());
    const int n = static_cast<int>(inverseMasses_.size());
    for (int s = 0; s < steps; ++s) {
        impl.updateContextState();
        impl.calcForcesAndEnergy(true, false, integrator.getIntegrationForceGroups());
        // Read each step, as OpenMM's kernel does: a force's updateContextState may change them.
        const double dt = integrator.getStepSize();
        const double halfdt = 0.5 * dt;
        const double kT = BOLTZ * integrator.getTemperature();
        const double vscale = std::exp(-dt * integrator.getFriction());
        const double noisescale = std::sqrt(1 - vscale * vscale);
        const double tolerance = integrator.getConstraintTolerance();
        std::vector<Vec3> &x = *data->positions;
        std::vector<Vec3> &v = *data->velocities;
        const std::vector<Vec3> &f = *data->forces;
        for (int i = 0; i < n; ++i)
            if (inverseMasses_[i] != 0.0) v[i] += (dt * inverseMasses_[i]) * f[i];
        if (constrained_) data->constraints->applyToVelocities(x, v, inverseMasses_, tolerance);
        noise_.fill(normals_.data(), 3 * n);
        for (int i = 0; i < n; ++i) {
            if (inverseMasses_[i] != 0.0) {
                xPrime_[i] = x[i] + v[i] * halfdt;
                v[i] = vscale * v[i] + noisescale * std::sqrt(kT * inverseMasses_[i]) *
                                           Vec3(normals_[3 * i], normals_[3 * i + 1], normals_[3 * i + 2]);
                xPrime_[i] = xPrime_[i] + v[i] * halfdt;
                oldx_[i] = xPrime_[i];
            }
        }
        if (constrained_) data->constraints->apply(x, xPrime_, inverseMasses_, tolerance);
        for (int i = 0; i < n; ++i) {
            if (inverseMasses_[i] != 0.0) {
                v[i] += (xPrime_[i] - oldx_[i]) / dt;
                x[i] = xPrime_[i];
            }
        }
        if (virtualSites_) impl.computeVirtualSites();
        data->time += dt;
        data->stepCount++;
    }
}

}  // namespace b4j
