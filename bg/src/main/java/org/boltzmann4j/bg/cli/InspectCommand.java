package org.boltzmann4j.bg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.boltzmann4j.bg.systems.SystemCheck;
import org.boltzmann4j.openmm.OpenMMSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print what a System holds (particles, masses, constraints, virtual sites, motion removal, periodic box, forces and their groups) and which methods would be wrong for it.")
final class InspectCommand implements Callable<Integer> {
    @Option(names = "--system", required = true, paramLabel = "NAME|FILE.xml",
            description = "Bundled system (aldp-implicit, aldp-vacuum, pro-dipeptide-vacuum) or an OpenMM System XML file.")
    String system;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        MolecularSystem molecular = MolecularSystem.resolve(system);
        OpenMMSystem.Features f;
        try (OpenMMSystem loaded = OpenMMSystem.fromXml(molecular.systemXml())) {
            f = loaded.features();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(molecular.name() + ": " + e.getMessage(), e);
        }
        double[] masses = f.massesAmu();
        double min = Arrays.stream(masses).min().orElse(0), max = Arrays.stream(masses).max().orElse(0);
        long massless = Arrays.stream(masses).filter(m -> m == 0).count();
        double[] box = f.defaultBoxVectorsNm();
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode o = mapper.createObjectNode();
            o.put("system", molecular.name());
            o.put("particles", f.numParticles());
            o.put("total_mass_amu", f.totalMassAmu());
            o.put("min_mass_amu", min);
            o.put("max_mass_amu", max);
            o.put("massless_particles", massless);
            ArrayNode constraints = o.putArray("constraints");
            for (OpenMMSystem.Constraint c : f.constraints())
                constraints.addObject().put("particle1", c.particle1()).put("particle2", c.particle2()).put("distance_nm", c.distanceNm());
            ArrayNode sites = o.putArray("virtual_sites");
            f.virtualSites().forEach(sites::add);
            o.put("cm_motion_remover", f.hasCMMotionRemover());
            o.put("uses_periodic_boundary", f.usesPeriodicBoundary());
            ArrayNode vectors = o.putArray("default_box_vectors_nm");
            for (int k = 0; k < 3; k++) vectors.addArray().add(box[3 * k]).add(box[3 * k + 1]).add(box[3 * k + 2]);
            ArrayNode forces = o.putArray("forces");
            for (OpenMMSystem.ForceInfo force : f.forces()) forces.addObject().put("index", force.index()).put("name", force.name()).put("group", force.group());
            ObjectNode unsupported = o.putObject("unsupported");
            for (SystemCheck.Method m : SystemCheck.Method.values())
                SystemCheck.refusal(m, f).ifPresent(why -> unsupported.put(m.name().toLowerCase(Locale.ROOT), why));
            System.out.println(mapper.writeValueAsString(o));
            return 0;
        }
        System.out.println("system: " + molecular.name());
        System.out.printf(Locale.ROOT, "particles: %d (total mass %.4f amu; masses %.4f to %.4f amu%s)%n", f.numParticles(), f.totalMassAmu(), min, max,
                massless > 0 ? ", " + massless + " massless" : "");
        System.out.println("constraints: " + f.constraints().size());
        for (OpenMMSystem.Constraint c : f.constraints())
            System.out.printf(Locale.ROOT, "  %d-%d %.6f nm%n", c.particle1(), c.particle2(), c.distanceNm());
        System.out.println("virtual sites: " + f.virtualSites().size() + (f.virtualSites().isEmpty() ? "" : " " + f.virtualSites()));
        System.out.println("CMMotionRemover: " + (f.hasCMMotionRemover() ? "yes" : "no"));
        System.out.printf(Locale.ROOT, "periodic: %s (default box a = %s, b = %s, c = %s nm)%n", f.usesPeriodicBoundary() ? "yes" : "no",
                vector(box, 0), vector(box, 1), vector(box, 2));
        System.out.println("forces: " + f.forces().size());
        for (OpenMMSystem.ForceInfo force : f.forces()) System.out.printf("  %d %s (group %d)%n", force.index(), force.name(), force.group());
        List<String> refusals = Arrays.stream(SystemCheck.Method.values()).map(m -> SystemCheck.refusal(m, f)).flatMap(java.util.Optional::stream).toList();
        System.out.println("unsupported: " + (refusals.isEmpty() ? "none" : ""));
        for (String why : refusals) System.out.println("  " + why);
        return 0;
    }

    private static String vector(double[] box, int k) {
        return String.format(Locale.ROOT, "(%.4f, %.4f, %.4f)", box[3 * k], box[3 * k + 1], box[3 * k + 2]);
    }
}
