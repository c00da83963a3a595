// C API over OpenMM's C++ library; see include/boltzmann4j_openmm.h.
// Every entry point is wrapped in guard(): no C++ exception crosses into C.

#include "boltzmann4j_openmm.h"

#include <OpenMM.h>
#include <openmm/internal/ContextImpl.h>
#include <openmm/serialization/XmlSerializer.h>

#include "context_impl_access.h"
#include "langevin_middle.h"

#include <atomic>
#include <cmath>
#include <cstring>
#include <random>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

using namespace OpenMM;

namespace {
// Live handles, for tests that a failed constructor leaves nothing allocated.
std::atomic<int64_t> liveSystems{0}, liveContexts{0};
}  // namespace

struct b4j_system {
    std::unique_ptr<System> system;
    explicit b4j_system(std::unique_ptr<System> s) : system(std::move(s)) { ++liveSystems; }
    ~b4j_system() { --liveSystems; }
};

struct b4j_context {
    std::unique_ptr<System> system;
    std::unique_ptr<Integrator> integrator;
    std::unique_ptr<Context> context;
    ContextImpl *impl = nullptr;  // for evaluations without building a State; see context_impl_access.h
    int kind = 0;
    int numParticles = 0;
    std::vector<Vec3> buffer;
    std::string checkpoint;  // cached between the size query and the copy
    // LangevinMiddle on the Reference platform steps here, with this context's own generator
    // (see langevin_middle.h); null for other integrators and platforms, whose kernels step.
    std::unique_ptr<b4j::LangevinMiddleStepper> stepper;
    b4j_context() { ++liveContexts; }
    ~b4j_context() { --liveContexts; }
};

namespace {

thread_local std::string lastError;

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

template <typename F>
int32_t guard(const char *where, F &&body) {
    try {
        body();
        return B4J_OK;
    } catch (const std::exception &e) {
        lastError = std::string(where) + ": " + e.what();
    } catch (...) {
        lastError = std::string(where) + ": unknown C++ exception";
    }
    return B4J_ERROR;
}

void require(bool condition, const std::string &message) {
    if (!condition) throw Failure(message);
}

void notNull(const void *p, const char *name) {
    require(p != nullptr, std::string(name) + " is NULL");
}

int32_t copyString(const std::string &s, char *buf, int32_t len) {
    if (buf == nullptr || len <= 0) throw Failure("output buffer is NULL or empty");
    size_t n = std::min(s.size(), static_cast<size_t>(len - 1));
    std::memcpy(buf, s.data(), n);
    buf[n] = '\0';
    return B4J_OK;
}

std::mutex pluginMutex;
// Creating and destroying Systems and Contexts from several threads at once corrupted the heap
// (free(): invalid pointer in about 1 of 12 `bg md --replicas 2` starts on OpenMM 7.7's
// Reference platform): some state OpenMM touches there is not thread-safe. These calls are rare
// and cheap against what a Context then computes, so they run one at a time; evaluation and
// stepping of distinct Contexts stay concurrent. The XML serializer's number formatting (David
// Gay's dtoa, whose free lists are global: one such crash was a SIGSEGV in freedtoa during a
// concurrent Context creation) is shared by deserialize, clone and serialize, so all three hold it.
std::mutex lifecycleMutex;
bool pluginsLoaded = false;
int pluginCount = 0;
std::vector<std::string> pluginFailures;

// The name of the first element of an XML document, after the declaration,
// processing instructions, comments and a DOCTYPE.
std::string rootElementName(const char *xml) {
    const char *p = xml;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
        if (*p != '<') return "";
        if (std::strncmp(p, "<?", 2) == 0) {
            const char *end = std::strstr(p, "?>");
            if (!end) return "";
            p = end + 2;
        } else if (std::strncmp(p, "<!--", 4) == 0) {
            const char *end = std::strstr(p, "-->");
            if (!end) return "";
            p = end + 3;
        } else if (std::strncmp(p, "<!", 2) == 0) {
            const char *end = std::strchr(p, '>');
            if (!end) return "";
            p = end + 1;
        } else {
            ++p;
            std::string name;
            while (*p && *p != ' ' && *p != '>' && *p != '/' && *p != '\t' && *p != '\n' && *p != '\r')
                name += *p++;
            return name;
        }
    }
    return "";
}

void checkFinite(const double *positions, int32_t config, int32_t particles) {
    const double *x = positions + static_cast<size_t>(config) * particles * 3;
    for (int32_t i = 0; i < particles * 3; ++i) {
        if (!std::isfinite(x[i])) {
            std::ostringstream msg;
            msg << "non-finite coordinate (" << x[i] << ") in configuration " << config << ", atom " << i / 3
                << ", component " << "xyz"[i % 3];
            throw Failure(msg.str());
        }
    }
}

void load(b4j_context *c, const double *positions) {
    for (int32_t i = 0; i < c->numParticles; ++i)
        c->buffer[i] = Vec3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]);
    c->impl->setPositions(c->buffer);
}

void store(const std::vector<Vec3> &v, double *out) {
    for (size_t i = 0; i < v.size(); ++i) {
        out[3 * i] = v[i][0];
        out[3 * i + 1] = v[i][1];
        out[3 * i + 2] = v[i][2];
    }
}

// OpenMM's convention: seed 0 asks for a seed chosen at random.
uint32_t noiseSeed(int32_t seed) {
    if (seed != 0) return static_cast<uint32_t>(seed);
    std::random_device device;
    return device();
}

// Our checkpoint: a tag, the Langevin generator state, then OpenMM's own checkpoint bytes.
const char kCheckpointTag[8] = {'B', '4', 'J', 'L', 'M', 'C', '2', '\0'};
const int64_t kTaggedBlock = 8 + 8 * (1 + b4j::NormalStream::kStateWords);

Platform &platformByName(const char *name) {
    notNull(name, "platform name");
    return Platform::getPlatformByName(name);
}

}  // namespace

extern "C" {

const char *b4j_last_error(void) { return lastError.c_str(); }

int32_t b4j_openmm_version(char *buf, int32_t len) {
    return guard("b4j_openmm_version", [&] { copyString(Platform::getOpenMMVersion(), buf, len); });
}

int32_t b4j_load_plugins(const char *directory, int32_t *num_loaded) {
    return guard("b4j_load_plugins", [&] {
        std::lock_guard<std::mutex> lock(pluginMutex);
        if (!pluginsLoaded) {
            std::string dir = directory != nullptr ? std::string(directory) : Platform::getDefaultPluginsDirectory();
            pluginCount = static_cast<int>(Platform::loadPluginsFromDirectory(dir).size());
            pluginFailures = Platform::getPluginLoadFailures();
            pluginsLoaded = true;
        }
        if (num_loaded) *num_loaded = pluginCount;
    });
}

int32_t b4j_plugin_load_failures(char *buf, int32_t len) {
    return guard("b4j_plugin_load_failures", [&] {
        std::lock_guard<std::mutex> lock(pluginMutex);
        std::string joined;
        for (size_t i = 0; i < pluginFailures.size(); ++i) joined += (i ? "\n" : "") + pluginFailures[i];
        copyString(joined, buf, len);
    });
}

int32_t b4j_num_platforms(int32_t *count) {
    return guard("b4j_num_platforms", [&] {
        notNull(count, "count");
        *count = Platform::getNumPlatforms();
    });
}

int32_t b4j_platform_name(int32_t index, char *buf, int32_t len) {
    return guard("b4j_platform_name", [&] {
        require(index >= 0 && index < Platform::getNumPlatforms(), "platform index out of range");
        copyString(Platform::getPlatform(index).getName(), buf, len);
    });
}

int32_t b4j_platform_property_names(const char *platform, char *buf, int32_t len) {
    return guard("b4j_platform_property_names", [&] {
        const auto &names = platformByName(platform).getPropertyNames();
        std::string joined;
        for (size_t i = 0; i < names.size(); ++i) joined += (i ? "\n" : "") + names[i];
        copyString(joined, buf, len);
    });
}

int32_t b4j_platform_speed(const char *platform, double *speed) {
    return guard("b4j_platform_speed", [&] {
        notNull(speed, "speed");
        *speed = platformByName(platform).getSpeed();
    });
}

int32_t b4j_system_from_xml(const char *xml, b4j_system **out) {
    return guard("b4j_system_from_xml", [&] {
        notNull(xml, "xml");
        notNull(out, "out");
        *out = nullptr;
        std::string root = rootElementName(xml);
        require(!root.empty(), "not an XML document (no root element found)");
        require(root == "System", "root element is <" + root + ">, expected <System> (an OpenMM System XML)");
        std::istringstream stream(xml);
        std::lock_guard<std::mutex> lock(lifecycleMutex);
        std::unique_ptr<System> system(XmlSerializer::deserialize<System>(stream));
        require(system != nullptr, "XmlSerializer returned no System");
        *out = new b4j_system(std::move(system));
    });
}

void b4j_system_destroy(b4j_system *system) {
    std::lock_guard<std::mutex> lock(lifecycleMutex);
    delete system;
}

int32_t b4j_system_num_particles(const b4j_system *system, int32_t *count) {
    return guard("b4j_system_num_particles", [&] {
        notNull(system, "system");
        notNull(count, "count");
        *count = system->system->getNumParticles();
    });
}

int32_t b4j_system_masses(const b4j_system *system, double *masses) {
    return guard("b4j_system_masses", [&] {
        notNull(system, "system");
        notNull(masses, "masses");
        for (int i = 0; i < system->system->getNumParticles(); ++i) masses[i] = system->system->getParticleMass(i);
    });
}

int32_t b4j_system_num_forces(const b4j_system *system, int32_t *count) {
    return guard("b4j_system_num_forces", [&] {
        notNull(system, "system");
        notNull(count, "count");
        *count = system->system->getNumForces();
    });
}

int32_t b4j_system_force_name(const b4j_system *system, int32_t index, char *buf, int32_t len) {
    return guard("b4j_system_force_name", [&] {
        notNull(system, "system");
        require(index >= 0 && index < system->system->getNumForces(), "force index out of range");
        const Force &force = system->system->getForce(index);
        std::string name = force.getName();
        copyString(name, buf, len);
    });
}

int32_t b4j_system_force_group(const b4j_system *system, int32_t index, int32_t *group) {
    return guard("b4j_system_force_group", [&] {
        notNull(system, "system");
        notNull(group, "group");
        require(index >= 0 && index < system->system->getNumForces(), "force index out of range");
        *group = system->system->getForce(index).getForceGroup();
    });
}

int32_t b4j_system_num_constraints(const b4j_system *system, int32_t *count) {
    return guard("b4j_system_num_constraints", [&] {
        notNull(system, "system");
        notNull(count, "count");
        *count = system->system->getNumConstraints();
    });
}

int32_t b4j_system_constraint(const b4j_system *system, int32_t index, int32_t *particle1, int32_t *particle2,
                              double *distance_nm) {
    return guard("b4j_system_constraint", [&] {
        notNull(system, "system");
        require(index >= 0 && index < system->system->getNumConstraints(), "constraint index out of range");
        int p1, p2;
        double d;
        system->system->getConstraintParameters(index, p1, p2, d);
        if (particle1) *particle1 = p1;
        if (particle2) *particle2 = p2;
        if (distance_nm) *distance_nm = d;
    });
}

int32_t b4j_system_virtual_sites(const b4j_system *system, int32_t *flags) {
    return guard("b4j_system_virtual_sites", [&] {
        notNull(system, "system");
        notNull(flags, "flags");
        for (int i = 0; i < system->system->getNumParticles(); ++i) flags[i] = system->system->isVirtualSite(i) ? 1 : 0;
    });
}

int32_t b4j_system_periodic(const b4j_system *system, int32_t *uses_periodic, double *box_vectors) {
    return guard("b4j_system_periodic", [&] {
        notNull(system, "system");
        if (uses_periodic) *uses_periodic = system->system->usesPeriodicBoundaryConditions() ? 1 : 0;
        if (box_vectors) {
            Vec3 a, b, c;
            system->system->getDefaultPeriodicBoxVectors(a, b, c);
            const Vec3 *v[3] = {&a, &b, &c};
            for (int k = 0; k < 3; ++k)
                for (int j = 0; j < 3; ++j) box_vectors[3 * k + j] = (*v[k])[j];
        }
    });
}

int32_t b4j_live_handles(int64_t *systems, int64_t *contexts) {
    return guard("b4j_live_handles", [&] {
        if (systems) *systems = liveSystems.load();
        if (contexts) *contexts = liveContexts.load();
    });
}

int32_t b4j_system_to_xml(const b4j_system *system, char *buf, int64_t len, int64_t *needed) {
    return guard("b4j_system_to_xml", [&] {
        notNull(system, "system");
        notNull(needed, "needed");
        std::ostringstream stream;
        {
            std::lock_guard<std::mutex> lock(lifecycleMutex);  // dtoa's shared state, as in deserialize and clone
            XmlSerializer::serialize<System>(system->system.get(), "System", stream);
        }
        std::string xml = stream.str();
        *needed = static_cast<int64_t>(xml.size()) + 1;
        if (buf != nullptr) {
            require(len >= *needed, "buffer too small for the System XML");
            std::memcpy(buf, xml.c_str(), xml.size() + 1);
        }
    });
}

int32_t b4j_context_create(const b4j_system *system, const char *platform, const char *const *property_names,
                           const char *const *property_values, int32_t num_properties,
                           const b4j_integrator_spec *integrator, b4j_context **out) {
    return guard("b4j_context_create", [&] {
        std::lock_guard<std::mutex> lock(lifecycleMutex);
        notNull(system, "system");
        notNull(integrator, "integrator");
        notNull(out, "out");
        *out = nullptr;
        require(num_properties >= 0, "negative property count");
        require(std::isfinite(integrator->step_size_ps) && integrator->step_size_ps > 0,
                "integrator step size must be a positive number of ps");
        auto handle = std::make_unique<b4j_context>();
        handle->system.reset(XmlSerializer::clone<System>(*system->system));
        handle->kind = integrator->kind;
        if (integrator->kind == B4J_INTEGRATOR_LANGEVIN_MIDDLE) {
            require(std::isfinite(integrator->temperature_k) && integrator->temperature_k >= 0,
                    "temperature must be a non-negative number of K");
            require(std::isfinite(integrator->friction_per_ps) && integrator->friction_per_ps >= 0,
                    "friction must be a non-negative number per ps");
            auto *langevin = new LangevinMiddleIntegrator(integrator->temperature_k, integrator->friction_per_ps,
                                                          integrator->step_size_ps);
            langevin->setRandomNumberSeed(integrator->random_seed);
            handle->integrator.reset(langevin);
        } else if (integrator->kind == B4J_INTEGRATOR_VERLET) {
            handle->integrator.reset(new VerletIntegrator(integrator->step_size_ps));
        } else {
            throw Failure("unknown integrator kind " + std::to_string(integrator->kind));
        }
        std::map<std::string, std::string> properties;
        for (int32_t i = 0; i < num_properties; ++i) {
            notNull(property_names[i], "property name");
            notNull(property_values[i], "property value");
            properties[property_names[i]] = property_values[i];
        }
        if (platform != nullptr) {
            Platform &p = platformByName(platform);
            // OpenMM ignores unknown property names silently on some versions; reject them here.
            const auto &known = p.getPropertyNames();
            for (const auto &kv : properties) {
                bool found = false;
                for (const auto &k : known) found = found || k == kv.first;
                if (!found) {
                    std::string list;
                    for (size_t i = 0; i < known.size(); ++i) list += (i ? ", " : "") + known[i];
                    throw Failure("platform " + p.getName() + " has no property '" + kv.first + "' (known: " +
                                  (list.empty() ? "none" : list) + ")");
                }
            }
            handle->context.reset(new Context(*handle->system, *handle->integrator, p, properties));
        } else {
            require(properties.empty(), "platform properties given without a platform");
            handle->context.reset(new Context(*handle->system, *handle->integrator));
        }
        handle->numParticles = handle->system->getNumParticles();
        handle->buffer.resize(handle->numParticles);
        handle->impl = &ContextImplAccess::of(*handle->context);
        if (integrator->kind == B4J_INTEGRATOR_LANGEVIN_MIDDLE && handle->context->getPlatform().getName() == "Reference") {
            handle->stepper = std::make_unique<b4j::LangevinMiddleStepper>(*handle->system);
            handle->stepper->noise().seed(noiseSeed(integrator->random_seed));
        }
        *out = handle.release();
    });
}

void b4j_context_destroy(b4j_context *context) {
    if (context == nullptr) return;
    std::lock_guard<std::mutex> lock(lifecycleMutex);
    try {
        // The Context must go before the Integrator and System it refers to.
        context->context.reset();
        delete context;
    } catch (...) {
    }
}

int32_t b4j_context_platform_name(const b4j_context *context, char *buf, int32_t len) {
    return guard("b4j_context_platform_name", [&] {
        notNull(context, "context");
        copyString(context->context->getPlatform().getName(), buf, len);
    });
}

int32_t b4j_context_property_value(const b4j_context *context, const char *name, char *buf, int32_t len) {
    return guard("b4j_context_property_value", [&] {
        notNull(context, "context");
        notNull(name, "name");
        copyString(context->context->getPlatform().getPropertyValue(*context->context, name), buf, len);
    });
}

int32_t b4j_context_num_particles(const b4j_context *context, int32_t *count) {
    return guard("b4j_context_num_particles", [&] {
        notNull(context, "context");
        notNull(count, "count");
        *count = context->numParticles;
    });
}

int32_t b4j_context_evaluate(b4j_context *context, int32_t num_configs, const double *positions, double *energies,
                             double *forces, int32_t groups) {
    return guard("b4j_context_evaluate", [&] {
        notNull(context, "context");
        notNull(positions, "positions");
        notNull(energies, "energies");
        require(num_configs >= 0, "negative number of configurations");
        const int32_t p = context->numParticles;
        for (int32_t c = 0; c < num_configs; ++c) checkFinite(positions, c, p);
        // Straight to ContextImpl, as Context::getState does inside, but without building a
        // State (which copies the forces, computes the kinetic energy and the parameter map):
        // about 30% of the time of a 22-atom evaluation on the Reference platform.
        for (int32_t c = 0; c < num_configs; ++c) {
            load(context, positions + static_cast<size_t>(c) * p * 3);
            energies[c] = context->impl->calcForcesAndEnergy(forces != nullptr, true, groups);
            if (forces != nullptr) {
                context->impl->getForces(context->buffer);
                store(context->buffer, forces + static_cast<size_t>(c) * p * 3);
            }
        }
    });
}

int32_t b4j_context_group_energies(b4j_context *context, int32_t num_configs, const double *positions,
                                   int32_t num_groups, const int32_t *group_ids, double *energies) {
    return guard("b4j_context_group_energies", [&] {
        notNull(context, "context");
        notNull(positions, "positions");
        notNull(group_ids, "group_ids");
        notNull(energies, "energies");
        require(num_configs >= 0 && num_groups >= 0, "negative count");
        for (int32_t g = 0; g < num_groups; ++g)
            require(group_ids[g] >= 0 && group_ids[g] < 32, "force group must be in 0..31");
        const int32_t p = context->numParticles;
        for (int32_t c = 0; c < num_configs; ++c) checkFinite(positions, c, p);
        for (int32_t c = 0; c < num_configs; ++c) {
            load(context, positions + static_cast<size_t>(c) * p * 3);
            for (int32_t g = 0; g < num_groups; ++g)
                energies[static_cast<size_t>(c) * num_groups + g] =
                    context->impl->calcForcesAndEnergy(false, true, 1 << group_ids[g]);
        }
    });
}

int32_t b4j_context_set_positions(b4j_context *context, const double *positions) {
    return guard("b4j_context_set_positions", [&] {
        notNull(context, "context");
        notNull(positions, "positions");
        checkFinite(positions, 0, context->numParticles);
        load(context, positions);
    });
}

int32_t b4j_context_get_positions(b4j_context *context, double *positions) {
    return guard("b4j_context_get_positions", [&] {
        notNull(context, "context");
        notNull(positions, "positions");
        store(context->context->getState(State::Positions).getPositions(), positions);
    });
}

int32_t b4j_context_set_velocities(b4j_context *context, const double *velocities) {
    return guard("b4j_context_set_velocities", [&] {
        notNull(context, "context");
        notNull(velocities, "velocities");
        checkFinite(velocities, 0, context->numParticles);
        for (int32_t i = 0; i < context->numParticles; ++i)
            context->buffer[i] = Vec3(velocities[3 * i], velocities[3 * i + 1], velocities[3 * i + 2]);
        context->context->setVelocities(context->buffer);
    });
}

int32_t b4j_context_get_velocities(b4j_context *context, double *velocities) {
    return guard("b4j_context_get_velocities", [&] {
        notNull(context, "context");
        notNull(velocities, "velocities");
        store(context->context->getState(State::Velocities).getVelocities(), velocities);
    });
}

int32_t b4j_context_set_velocities_to_temperature(b4j_context *context, double temperature_k, int32_t seed) {
    return guard("b4j_context_set_velocities_to_temperature", [&] {
        notNull(context, "context");
        require(std::isfinite(temperature_k) && temperature_k >= 0, "temperature must be a non-negative number of K");
        context->context->setVelocitiesToTemperature(temperature_k, seed);
    });
}

int32_t b4j_context_state(b4j_context *context, double *potential, double *kinetic, double *time_ps,
                          int64_t *step_count) {
    return guard("b4j_context_state", [&] {
        notNull(context, "context");
        State state = context->context->getState(State::Energy);
        if (potential) *potential = state.getPotentialEnergy();
        if (kinetic) *kinetic = state.getKineticEnergy();
        if (time_ps) *time_ps = state.getTime();
        if (step_count) *step_count = context->context->getStepCount();
    });
}

int32_t b4j_context_set_time(b4j_context *context, double time_ps, int64_t step_count) {
    return guard("b4j_context_set_time", [&] {
        notNull(context, "context");
        context->context->setTime(time_ps);
        context->context->setStepCount(step_count);
    });
}

int32_t b4j_context_step(b4j_context *context, int32_t num_steps) {
    return guard("b4j_context_step", [&] {
        notNull(context, "context");
        require(num_steps >= 0, "negative number of steps");
        if (context->stepper)
            context->stepper->step(*context->impl, static_cast<LangevinMiddleIntegrator &>(*context->integrator), num_steps);
        else
            context->integrator->step(num_steps);
    });
}

int32_t b4j_context_minimize(b4j_context *context, double tolerance, int32_t max_iterations) {
    return guard("b4j_context_minimize", [&] {
        notNull(context, "context");
        require(std::isfinite(tolerance) && tolerance > 0, "tolerance must be positive");
        require(max_iterations >= 0, "negative iteration count");
        LocalEnergyMinimizer::minimize(*context->context, tolerance, max_iterations);
    });
}

static LangevinMiddleIntegrator &langevin(b4j_context *context) {
    auto *l = dynamic_cast<LangevinMiddleIntegrator *>(context->integrator.get());
    require(l != nullptr, "the context's integrator is not a Langevin integrator");
    return *l;
}

int32_t b4j_context_set_temperature(b4j_context *context, double temperature_k) {
    return guard("b4j_context_set_temperature", [&] {
        notNull(context, "context");
        require(std::isfinite(temperature_k) && temperature_k >= 0, "temperature must be a non-negative number of K");
        langevin(context).setTemperature(temperature_k);
    });
}

int32_t b4j_context_set_random_seed(b4j_context *context, int32_t seed) {
    return guard("b4j_context_set_random_seed", [&] {
        notNull(context, "context");
        // The seed is read when the integrator is initialised: reinitialize keeps
        // positions and velocities (saved and restored) and reseeds the generator.
        langevin(context).setRandomNumberSeed(seed);
        if (context->stepper) {
            context->stepper->noise().seed(noiseSeed(seed));
            return;
        }
        State state = context->context->getState(State::Positions | State::Velocities);
        long long steps = context->context->getStepCount();
        context->context->reinitialize(false);
        context->context->setPositions(state.getPositions());
        context->context->setVelocities(state.getVelocities());
        context->context->setTime(state.getTime());
        context->context->setStepCount(steps);
    });
}

int32_t b4j_context_set_step_size(b4j_context *context, double step_size_ps) {
    return guard("b4j_context_set_step_size", [&] {
        notNull(context, "context");
        require(std::isfinite(step_size_ps) && step_size_ps > 0, "step size must be a positive number of ps");
        context->integrator->setStepSize(step_size_ps);
    });
}

int32_t b4j_context_degrees_of_freedom(const b4j_context *context, int32_t *dof) {
    return guard("b4j_context_degrees_of_freedom", [&] {
        notNull(context, "context");
        notNull(dof, "dof");
        const System &s = *context->system;
        int n = 0;
        for (int i = 0; i < s.getNumParticles(); ++i)
            if (s.getParticleMass(i) > 0) n += 3;
        n -= s.getNumConstraints();
        for (int i = 0; i < s.getNumForces(); ++i)
            if (dynamic_cast<const CMMotionRemover *>(&s.getForce(i)) != nullptr) n -= 3;
        *dof = n;
    });
}

int32_t b4j_context_checkpoint(b4j_context *context, char *buf, int64_t len, int64_t *needed) {
    return guard("b4j_context_checkpoint", [&] {
        notNull(context, "context");
        notNull(needed, "needed");
        if (buf == nullptr || context->checkpoint.empty()) {
            std::ostringstream stream;
            if (context->stepper) {
                uint64_t block[1 + b4j::NormalStream::kStateWords];
                block[0] = context->stepper->noise().seedValue();
                context->stepper->noise().getState(block + 1);
                stream.write(kCheckpointTag, sizeof kCheckpointTag);
                stream.write(reinterpret_cast<const char *>(block), sizeof block);
            }
            context->context->createCheckpoint(stream);
            context->checkpoint = stream.str();
        }
        *needed = static_cast<int64_t>(context->checkpoint.size());
        if (buf != nullptr) {
            require(len >= *needed, "buffer too small for the checkpoint");
            std::memcpy(buf, context->checkpoint.data(), context->checkpoint.size());
            context->checkpoint.clear();
        }
    });
}

int32_t b4j_context_load_checkpoint(b4j_context *context, const char *buf, int64_t len) {
    return guard("b4j_context_load_checkpoint", [&] {
        notNull(context, "context");
        notNull(buf, "buf");
        require(len > 0, "empty checkpoint");
        size_t skip = 0;
        uint64_t block[1 + b4j::NormalStream::kStateWords];
        bool tagged = len >= kTaggedBlock && std::memcmp(buf, kCheckpointTag, sizeof kCheckpointTag) == 0;
        if (tagged) {
            require(context->stepper != nullptr,
                    "the checkpoint holds boltzmann4j's LangevinMiddle state; this context does not step that way");
            std::memcpy(block, buf + sizeof kCheckpointTag, sizeof block);
            skip = kTaggedBlock;
        }
        // A plain OpenMM checkpoint (from a context of another kind) keeps this context's generator.
        std::istringstream stream(std::string(buf + skip, static_cast<size_t>(len) - skip));
        context->context->loadCheckpoint(stream);
        if (tagged) context->stepper->noise().setState(static_cast<uint32_t>(block[0]), block + 1);
    });
}

}  // extern "C"
