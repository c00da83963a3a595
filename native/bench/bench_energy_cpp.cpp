// Raw OpenMM C++ loop: setPositions + getState(Energy|Forces) per configuration,
// on the same configurations and platform as the Java benchmark.
// Usage: bench_energy_cpp system.xml positions.bin n_configs repeats [platform]
// positions.bin: n_configs*particles*3 little-endian doubles (nm).
// Prints two numbers: the best microseconds per evaluation over the repeats through OpenMM's
// public API (Context::setPositions + getState(Energy|Forces)), and through ContextImpl
// (setPositions + calcForcesAndEnergy + getForces, what getState does inside without building a
// State): the cheapest way to get energies and forces out of OpenMM in C++.
#include <OpenMM.h>
#include <openmm/serialization/XmlSerializer.h>

#include "../src/context_impl_access.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

using namespace OpenMM;

int main(int argc, char **argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s system.xml positions.bin n_configs repeats [platform]\n", argv[0]);
        return 2;
    }
    try {
        Platform::loadPluginsFromDirectory(Platform::getDefaultPluginsDirectory());
        std::ifstream xml(argv[1]);
        std::unique_ptr<System> system(XmlSerializer::deserialize<System>(xml));
        int n = std::atoi(argv[3]);
        int repeats = std::atoi(argv[4]);
        std::string platform = argc > 5 ? argv[5] : "Reference";
        int p = system->getNumParticles();
        std::vector<double> raw(static_cast<size_t>(n) * p * 3);
        std::ifstream bin(argv[2], std::ios::binary);
        bin.read(reinterpret_cast<char *>(raw.data()), raw.size() * sizeof(double));
        if (!bin) throw OpenMMException("could not read positions");
        VerletIntegrator integrator(0.001);
        Context context(*system, integrator, Platform::getPlatformByName(platform));
        ContextImpl &impl = ContextImplAccess::of(context);
        std::vector<Vec3> pos(p), forces(p);
        double bestPublic = 1e300, bestImpl = 1e300, sink = 0;
        for (int r = 0; r < repeats; ++r) {
            auto t0 = std::chrono::steady_clock::now();
            for (int c = 0; c < n; ++c) {
                const double *x = raw.data() + static_cast<size_t>(c) * p * 3;
                for (int i = 0; i < p; ++i) pos[i] = Vec3(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
                context.setPositions(pos);
                State s = context.getState(State::Energy | State::Forces);
                sink += s.getPotentialEnergy() + s.getForces()[0][0];
            }
            auto t1 = std::chrono::steady_clock::now();
            for (int c = 0; c < n; ++c) {
                const double *x = raw.data() + static_cast<size_t>(c) * p * 3;
                for (int i = 0; i < p; ++i) pos[i] = Vec3(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
                impl.setPositions(pos);
                sink += impl.calcForcesAndEnergy(true, true);
                impl.getForces(forces);
                sink += forces[0][0];
            }
            auto t2 = std::chrono::steady_clock::now();
            bestPublic = std::min(bestPublic, std::chrono::duration<double, std::micro>(t1 - t0).count() / n);
            bestImpl = std::min(bestImpl, std::chrono::duration<double, std::micro>(t2 - t1).count() / n);
        }
        std::printf("%.6f %.6f\n", bestPublic, bestImpl);
        std::fprintf(stderr, "checksum %g\n", sink);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_energy_cpp: %s\n", e.what());
        return 1;
    }
    return 0;
}
