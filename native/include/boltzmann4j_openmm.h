/*
 * boltzmann4j_openmm.h: a small C API over OpenMM's C++ library.
 *
 * Why not OpenMM's own C wrapper: Debian's OpenMM 7.7 does not ship it, and it
 * lets C++ exceptions escape, which aborts a JVM that calls it. Here every
 * entry point catches everything and returns a status (B4J_OK or B4J_ERROR);
 * after an error, b4j_last_error() returns the message on the calling thread.
 *
 * Conventions: opaque handles; flat arrays of double in OpenMM units
 * (nm, ps, kJ/mol, kJ/mol/nm, K, amu, 1/ps); positions of n configurations of
 * p particles are n*p*3 doubles in C order (configuration, particle, xyz).
 * A handle is used by one thread at a time (an OpenMM Context is not
 * thread-safe); different handles may be used from different threads.
 */
#ifndef BOLTZMANN4J_OPENMM_H
#define BOLTZMANN4J_OPENMM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define B4J_OK 0
#define B4J_ERROR 1

/* Integrator kinds for b4j_context_create. */
#define B4J_INTEGRATOR_LANGEVIN_MIDDLE 1
#define B4J_INTEGRATOR_VERLET 2

/* All force groups (a bit mask over groups 0..31). */
#define B4J_ALL_GROUPS (-1)

typedef struct b4j_system b4j_system;
typedef struct b4j_context b4j_context;

/* Integrator settings; temperature, friction and seed are ignored by Verlet. */
typedef struct b4j_integrator_spec {
    int32_t kind;               /* B4J_INTEGRATOR_* */
    double step_size_ps;
    double temperature_k;
    double friction_per_ps;
    int32_t random_seed;        /* 0 lets OpenMM pick one */
} b4j_integrator_spec;

/* Message of the last failed call on this thread ("" if none). The pointer is
 * valid until the next failing call on the same thread. */
const char *b4j_last_error(void);

/* OpenMM's version string, copied into buf (NUL-terminated, truncated to len). */
int32_t b4j_openmm_version(char *buf, int32_t len);

/* Loads OpenMM's plugins once per process (a second call does nothing and
 * reports the same count). directory may be NULL: then $OPENMM_PLUGIN_DIR or
 * OpenMM's default plugin directory. Failures to load single plugins are not
 * errors (a missing GPU driver is normal); see b4j_plugin_load_failures. */
int32_t b4j_load_plugins(const char *directory, int32_t *num_loaded);

/* Failures reported while loading plugins, joined by '\n', copied into buf. */
int32_t b4j_plugin_load_failures(char *buf, int32_t len);

int32_t b4j_num_platforms(int32_t *count);
int32_t b4j_platform_name(int32_t index, char *buf, int32_t len);
/* Names of the platform's properties, joined by '\n'. */
int32_t b4j_platform_property_names(const char *platform, char *buf, int32_t len);
/* OpenMM's relative speed estimate for the platform. */
int32_t b4j_platform_speed(const char *platform, double *speed);

/* A System from OpenMM's XML serialization. The root element must be
 * <System>: XmlSerializer would otherwise reinterpret an Integrator or State
 * document as a System. */
int32_t b4j_system_from_xml(const char *xml, b4j_system **out);
void b4j_system_destroy(b4j_system *system);
int32_t b4j_system_num_particles(const b4j_system *system, int32_t *count);
/* Masses in amu, num_particles doubles. */
int32_t b4j_system_masses(const b4j_system *system, double *masses);
int32_t b4j_system_num_forces(const b4j_system *system, int32_t *count);
/* The C++ class name of force i (e.g. "HarmonicBondForce"), and its group. */
int32_t b4j_system_force_name(const b4j_system *system, int32_t index, char *buf, int32_t len);
int32_t b4j_system_force_group(const b4j_system *system, int32_t index, int32_t *group);
/* Number of distance constraints. */
int32_t b4j_system_num_constraints(const b4j_system *system, int32_t *count);
/* Constraint index: its two particles and distance (nm); any output may be NULL. */
int32_t b4j_system_constraint(const b4j_system *system, int32_t index, int32_t *particle1, int32_t *particle2,
                              double *distance_nm);
/* flags[i] = 1 if particle i is a virtual site, else 0 (num_particles ints). */
int32_t b4j_system_virtual_sites(const b4j_system *system, int32_t *flags);
/* Whether any force uses periodic boundaries, and the default box vectors a, b, c
 * (9 doubles, nm, row per vector); either output may be NULL. */
int32_t b4j_system_periodic(const b4j_system *system, int32_t *uses_periodic, double *box_vectors);
/* The system serialized again (XmlSerializer). *needed receives the length
 * including the NUL; buf may be NULL to ask for it. */
int32_t b4j_system_to_xml(const b4j_system *system, char *buf, int64_t len, int64_t *needed);

/* A Context for the system on a named platform (NULL: OpenMM's fastest).
 * Properties are num_properties name/value pairs; an unknown name is an error.
 * The context keeps its own copy of the system. */
int32_t b4j_context_create(const b4j_system *system, const char *platform,
                           const char *const *property_names, const char *const *property_values,
                           int32_t num_properties, const b4j_integrator_spec *integrator,
                           b4j_context **out);
void b4j_context_destroy(b4j_context *context);
int32_t b4j_context_platform_name(const b4j_context *context, char *buf, int32_t len);
int32_t b4j_context_property_value(const b4j_context *context, const char *name, char *buf, int32_t len);
int32_t b4j_context_num_particles(const b4j_context *context, int32_t *count);

/* Energies (and forces, if forces is not NULL) of num_configs configurations
 * in one call: positions num_configs*p*3, energies num_configs, forces
 * num_configs*p*3. groups is a bit mask of force groups (B4J_ALL_GROUPS for
 * all). Non-finite coordinates are an error naming the configuration and
 * atom, on every platform. The context's positions are left at the last
 * configuration. */
int32_t b4j_context_evaluate(b4j_context *context, int32_t num_configs, const double *positions,
                             double *energies, double *forces, int32_t groups);

/* Potential energy of each force group in group_ids for each configuration:
 * energies is num_configs*num_groups, row per configuration. */
int32_t b4j_context_group_energies(b4j_context *context, int32_t num_configs, const double *positions,
                                   int32_t num_groups, const int32_t *group_ids, double *energies);

int32_t b4j_context_set_positions(b4j_context *context, const double *positions);
int32_t b4j_context_get_positions(b4j_context *context, double *positions);
int32_t b4j_context_set_velocities(b4j_context *context, const double *velocities);
int32_t b4j_context_get_velocities(b4j_context *context, double *velocities);
/* Maxwell-Boltzmann velocities at the temperature, with a seed. */
int32_t b4j_context_set_velocities_to_temperature(b4j_context *context, double temperature_k, int32_t seed);

/* Current state: potential and kinetic energy (kJ/mol), time (ps), step count. */
int32_t b4j_context_state(b4j_context *context, double *potential, double *kinetic,
                          double *time_ps, int64_t *step_count);
int32_t b4j_context_set_time(b4j_context *context, double time_ps, int64_t step_count);

/* Advances the integrator num_steps steps.
 * LangevinMiddle on the Reference platform is stepped by this library, not by OpenMM's kernel:
 * the same operations in the same order as OpenMM 7.7's ReferenceLangevinMiddleDynamics
 * (constraints and virtual sites included), but with the noise drawn from a generator owned by
 * the context (xoshiro256++ and a ziggurat, seeded by the seed), because OpenMM's Reference kernels share one
 * generator per process. A context's trajectory then depends only on its seed and state,
 * whatever other contexts do in other threads; the generator state is in the checkpoint. On
 * other platforms OpenMM's kernel steps (their generators are per context already). */
int32_t b4j_context_step(b4j_context *context, int32_t num_steps);
/* Local energy minimization (L-BFGS); tolerance in kJ/mol/nm, 0 iterations = until converged. */
int32_t b4j_context_minimize(b4j_context *context, double tolerance, int32_t max_iterations);
/* Temperature and random seed of a Langevin integrator (an error for Verlet). */
int32_t b4j_context_set_temperature(b4j_context *context, double temperature_k);
int32_t b4j_context_set_random_seed(b4j_context *context, int32_t seed);
/* Step size of the integrator in ps. */
int32_t b4j_context_set_step_size(b4j_context *context, double step_size_ps);
/* Degrees of freedom for the kinetic temperature: 3N - constraints - 3 if a
 * CMMotionRemover is present. */
int32_t b4j_context_degrees_of_freedom(const b4j_context *context, int32_t *dof);

/* OpenMM's binary checkpoint (positions, velocities, time, random state where
 * the platform keeps it), preceded, for a context stepped by this library's LangevinMiddle,
 * by a 48-byte block with its generator state. Call with buf NULL to get the size in *needed.
 * Loading a plain OpenMM checkpoint keeps the context's generator state. */
int32_t b4j_context_checkpoint(b4j_context *context, char *buf, int64_t len, int64_t *needed);
int32_t b4j_context_load_checkpoint(b4j_context *context, const char *buf, int64_t len);

/* Systems and contexts created and not yet destroyed in this process (either may be NULL). */
int32_t b4j_live_handles(int64_t *systems, int64_t *contexts);

#ifdef __cplusplus
}
#endif

#endif
