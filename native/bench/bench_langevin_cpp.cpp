// LangevinMiddle throughput on the Reference platform: OpenMM's own integrator
// (LangevinMiddleIntegrator::step, process-wide noise) against native/'s stepper through the C
// API (b4j_context_step, noise per context), same System, start, 300 K, 1/ps, 1 fs.
// Usage: bench_langevin_cpp system.xml positions.bin steps rounds
// positions.bin: particles*3 little-endian doubles (nm). Rounds alternate the two; the best of
// each is kept. Prints one JSON object: ns/day of both and their ratio (ours / OpenMM's).
#include <OpenMM.h>
#include <openmm/serialization/XmlSerializer.h>

#include "boltzmann4j_openmm.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

using namespace OpenMM;

static void check(int32_t status) {
    if (status != B4J_OK) throw std::runtime_error(b4j_last_error());
}

int main(int argc, char **argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s system.xml positions.bin steps rounds\n", argv[0]);
        return 2;
    }
    try {
        int32_t plugins;
        check(b4j_load_plugins(nullptr, &plugins));
        std::ifstream file(argv[1]);
        std::stringstream text;
        text << file.rdbuf();
        std::string xml = text.str();
        std::istringstream in(xml);
        std::unique_ptr<System> system(XmlSerializer::deserialize<System>(in));
        int steps = std::atoi(argv[3]), rounds = std::atoi(argv[4]);
        int p = system->getNumParticles();
        std::vector<double> raw(static_cast<size_t>(p) * 3);
        std::ifstream bin(argv[2], std::ios::binary);
        bin.read(reinterpret_cast<char *>(raw.data()), raw.size() * sizeof(double));
        if (!bin) throw std::runtime_error("could not read positions");
        std::vector<Vec3> pos(p);
        for (int i = 0; i < p; ++i) pos[i] = Vec3(raw[3 * i], raw[3 * i + 1], raw[3 * i + 2]);

        LangevinMiddleIntegrator integrator(300, 1, 0.001);
        integrator.setRandomNumberSeed(1);
        Context context(*system, integrator, Platform::getPlatformByName("Reference"));
        context.setPositions(pos);
        context.setVelocitiesToTemperature(300, 1);

        b4j_system *bs;
        check(b4j_system_from_xml(xml.c_str(), &bs));
        b4j_integrator_spec spec{B4J_INTEGRATOR_LANGEVIN_MIDDLE, 0.001, 300, 1, 1};
        b4j_context *ours;
        const char *platform = "Reference";
        check(b4j_context_create(bs, platform, nullptr, nullptr, 0, &spec, &ours));
        check(b4j_context_set_positions(ours, raw.data()));
        check(b4j_context_set_velocities_to_temperature(ours, 300, 1));

        integrator.step(steps / 10);  // warm-up: caches, neighbour lists, page faults
        check(b4j_context_step(ours, steps / 10));
        double bestOpenMM = 1e300, bestOurs = 1e300;
        for (int r = 0; r < rounds; ++r) {
            auto t0 = std::chrono::steady_clock::now();
            integrator.step(steps);
            auto t1 = std::chrono::steady_clock::now();
            check(b4j_context_step(ours, steps));
            auto t2 = std::chrono::steady_clock::now();
            bestOpenMM = std::min(bestOpenMM, std::chrono::duration<double>(t1 - t0).count());
            bestOurs = std::min(bestOurs, std::chrono::duration<double>(t2 - t1).count());
        }
        double ns = steps * 0.001 / 1000;
        double openmm = ns / (bestOpenMM / 86400), mine = ns / (bestOurs / 86400);
        std::printf("{\"steps\": %d, \"rounds\": %d, \"openmm_cpp_ns_per_day\": %.2f, \"b4j_cpp_ns_per_day\": %.2f, "
                    "\"b4j_vs_openmm_cpp\": %.4f}\n",
                    steps, rounds, openmm, mine, mine / openmm);
        b4j_context_destroy(ours);
        b4j_system_destroy(bs);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_langevin_cpp: %s\n", e.what());
        return 1;
    }
    return 0;
}
