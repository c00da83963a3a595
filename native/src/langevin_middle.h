// LangevinMiddle stepping with a generator per Context, for the Reference platform.
//
// Why: OpenMM's Reference kernels draw Langevin noise from SimTKOpenMMUtilities, one generator
// per process, so two Contexts stepping in two threads take each other's random numbers (and a
// trajectory depends on what else ran). Here the step is OpenMM 7.7's
// ReferenceLangevinMiddleDynamics::update, the same floating-point operations in the same order
// on the platform's own arrays (no copies), constraints through the platform's
// ReferenceConstraints as OpenMM does; only the normal deviates come from a generator owned by
// the Context: xoshiro256++ (Blackman and Vigna 2021) seeded through splitmix64, and the
// ziggurat method with 256 layers (Marsaglia and Tsang 2000; layer index and value from
// disjoint bits of one 64-bit word, as Doornik 2005 advises). A Box-Muller transform per pair
// (log, sqrt, sin, cos) cost 13% of a 22-atom vacuum step (scripts/bench-langevin); the
// ziggurat needs one 64-bit word and a table lookup for 99% of its deviates. The generator
// state is 32 bytes, carried in the checkpoint with the seed.
#ifndef BOLTZMANN4J_LANGEVIN_MIDDLE_H
#define BOLTZMANN4J_LANGEVIN_MIDDLE_H

#include <OpenMM.h>
#include <openmm/internal/ContextImpl.h>

#include <cstdint>
#include <vector>

namespace b4j {

// A stream of standard normal deviates, fixed by its seed.
class NormalStream {
public:
    static constexpr int kStateWords = 4;
    void seed(uint32_t seed);
    uint32_t seedValue() const { return seed_; }
    // The generator's position: restoring it continues the stream exactly.
    void getState(uint64_t out[kStateWords]) const;
    void setState(uint32_t seed, const uint64_t in[kStateWords]);
    void fill(double *out, int count);
    uint64_t next() {
        const uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    double normal();
    double uniform() { return (next() >> 11) * 0x1.0p-53; }
    uint32_t seed_ = 0;
    uint64_t s_[kStateWords] = {1, 2, 3, 4};
};

// Steps a Reference-platform ContextImpl whose integrator is a LangevinMiddleIntegrator.
class LangevinMiddleStepper {
public:
    explicit LangevinMiddleStepper(const OpenMM::System &system);
    NormalStream &noise() { return noise_; }
    void step(OpenMM::ContextImpl &impl, const OpenMM::LangevinMiddleIntegrator &integrator, int steps);

private:
    std::vector<double> inverseMasses_;
    std::vector<double> normals_;
    std::vector<OpenMM::Vec3> xPrime_, oldx_;
    bool constrained_, virtualSites_;
    NormalStream noise_;
};

}  // namespace b4j

#endif
