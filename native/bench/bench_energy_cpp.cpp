// Raw OpenMM C++ loop: setPositions + getState(Energy|Forces) per configuration,
// on the same configurations and platform as the Java benchmark.
// Usage: bench_energy_cpp system.xml positions.bin n_configs repeats [platform]
// positions.bin: n_configs*particles*3 little-endian doubles (nm).
// Prints the best microseconds per evaluation over the repeats.
#include <OpenMM.h>
#include <openmm/serialization/XmlSerializer.h>

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
        std::vector<Vec3> pos(p);
        double best = 1e300, sink = 0;
        for (int r = 0; r < repeats; ++r) {
            auto t0 = std::chrono::steady_clock::now();
            for (int c = 0; c < n; ++c) {
                const double *x = raw.data() + static_cast<size_t>(c) * p * 3;
                for (int i = 0; i < p; ++i) pos[i] = Vec3(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
                context.setPositions(pos);
                State s = context.getState(State::Energy | State::Forces);
                sink += s.getPotentialEnergy() + s.getForces()[0][0];
            }
            double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / n;
            best = std::min(best, us);
        }
        std::printf("%.6f\n", best);
        std::fprintf(stderr, "checksum %g\n", sink);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_energy_cpp: %s\n", e.what());
        return 1;
    }
    return 0;
}
