package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ResidueTemplatesTest {

    /**
     * Every template gives exactly the internal bonds of amber99sbildn's residue of the same
     * name (scripts/make-io-fixtures.py extracted them from OpenMM's force field file).
     */
    @Test
    void templatesEqualAmberResidueBonds() throws IOException {
        List<String> lines = Files.readAllLines(Resources.get("/io/amber-residue-bonds.txt")).stream()
                .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        assertEquals(28, lines.size());
        for (String line : lines) {
            String[] fields = line.split(" ");
            String residue = fields[0];
            Set<String> expected = new TreeSet<>();
            Set<String> names = new java.util.LinkedHashSet<>();
            for (int i = 1; i < fields.length; i++) {
                String[] ends = fields[i].split("-");
                names.add(ends[0]);
                names.add(ends[1]);
                expected.add(pair(ends[0], ends[1]));
            }
            List<Topology.Atom> atoms = new ArrayList<>();
            for (String name : names) {
                atoms.add(new Topology.Atom(atoms.size() + 1, name, name.substring(0, 1), residue, 1));
            }
            // Atoms 1 nm apart: no bond can come from distance, only from the template.
            double[] xyz = new double[atoms.size() * 3];
            for (int i = 0; i < atoms.size(); i++) {
                xyz[3 * i] = i;
            }
            Set<String> found = new TreeSet<>();
            for (int[] b : ResidueTemplates.bonds(atoms, xyz, new BitSet(), new BitSet(), residue)) {
                found.add(pair(atoms.get(b[0]).name(), atoms.get(b[1]).name()));
            }
            assertEquals(expected, found, residue);
        }
    }

    @Test
    void hydrogensWithUnknownNamesFallBackToDistance() {
        // An ALA whose methyl hydrogens carry names no template knows: each goes to its nearest heavy atom.
        List<Topology.Atom> atoms = List.of(
                new Topology.Atom(1, "CA", "C", "ALA", 1),
                new Topology.Atom(2, "CB", "C", "ALA", 1),
                new Topology.Atom(3, "XB1", "H", "ALA", 1));
        double[] xyz = {0, 0, 0, 0.153, 0, 0, 0.19, 0.1, 0};
        List<int[]> bonds = ResidueTemplates.bonds(atoms, xyz, new BitSet(), new BitSet(), "test");
        Set<String> found = new TreeSet<>();
        bonds.forEach(b -> found.add(b[0] + "-" + b[1]));
        assertEquals(Set.of("0-1", "2-1"), found);
    }

    @Test
    void elementsOfTemplateAtoms() {
        assertEquals("C", ResidueTemplates.elementFromTemplate("ALA", "CA"));
        assertEquals("H", ResidueTemplates.elementFromTemplate("NME", "H1"));
        assertEquals("C", ResidueTemplates.elementFromTemplate("NME", "C"));
        assertEquals("H", ResidueTemplates.elementFromTemplate("ACE", "HH31"));
        assertEquals("S", ResidueTemplates.elementFromTemplate("CYX", "SG"));
        assertEquals(null, ResidueTemplates.elementFromTemplate("LIG", "C1"));
        assertFalse(ResidueTemplates.isStandardPolymerResidue("ACE"));
    }

    private static String pair(String a, String b) {
        return a.compareTo(b) < 0 ? a + "-" + b : b + "-" + a;
    }
}
