package org.boltzmann4j.bg.forcefield;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, lookups, and bad input: each refusal is one line naming the file or the residue and atoms. */
class ForceFieldInputTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static String message(Runnable r) {
        ForceFieldException e = assertThrows(ForceFieldException.class, r::run);
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void malformedXmlNamesTheFile() throws IOException {
        Path p = write("broken.xml", "<ForceField><AtomTypes><Type name=\"a\" class=\"A\" mass=\"1\"/></AtomTypes>");
        String m = message(() -> ForceField.load(List.of(p.toString())));
        assertTrue(m.startsWith(p + ": not well-formed XML"), m);
    }

    @Test
    void unsupportedForceNamesTheFileAndElement() throws IOException {
        Path p = write("cmap.xml", "<ForceField><CMAPTorsionForce/></ForceField>");
        String m = message(() -> ForceField.load(List.of(p.toString())));
        assertTrue(m.startsWith(p + ": <CMAPTorsionForce> is not supported"), m);
        Path q = write("custom.xml", "<ForceField><CustomNonbondedForce energy=\"0\" bondCutoff=\"3\"/></ForceField>");
        assertTrue(message(() -> ForceField.load(List.of(q.toString()))).startsWith(q + ": <CustomNonbondedForce> is not supported"));
    }

    @Test
    void arbitraryScriptsAndVirtualSitesAreRefused() throws IOException {
        Path s = write("script.xml", "<ForceField><Script>import os\nos.system('true')</Script></ForceField>");
        assertTrue(message(() -> ForceField.load(List.of(s.toString()))).startsWith(s + ": <Script> is not supported"));
        Path v = write("vsite.xml", "<ForceField><AtomTypes><Type name=\"o\" class=\"O\" element=\"O\" mass=\"16\"/>"
                + "</AtomTypes><Residues><Residue name=\"W\"><Atom name=\"O\" type=\"o\"/>"
                + "<VirtualSite type=\"average2\" siteName=\"O\" atomName1=\"O\" atomName2=\"O\" weight1=\"0.5\" weight2=\"0.5\"/>"
                + "</Residue></Residues></ForceField>");
        assertTrue(message(() -> ForceField.load(List.of(v.toString()))).startsWith(v + ": residue W: <VirtualSite> is not supported"));
    }

    @Test
    void missingFileAndBadNumbersAreNamed() throws IOException {
        String m = message(() -> ForceField.load(List.of(dir.resolve("nope.xml").toString())));
        assertTrue(m.startsWith(dir.resolve("nope.xml") + ": no such force-field file"), m);
        Path p = write("nan.xml", "<ForceField><AtomTypes><Type name=\"a\" class=\"A\" mass=\"heavy\"/></AtomTypes></ForceField>");
        assertTrue(message(() -> ForceField.load(List.of(p.toString()))).startsWith(p + ": <Type mass=\"heavy\">: not a number"));
    }

    @Test
    void includesResolveNextToTheIncludingFile() throws IOException {
        write("sub/types.xml", "<ForceField><AtomTypes><Type name=\"x\" class=\"X\" element=\"C\" mass=\"12\"/>"
                + "</AtomTypes></ForceField>");
        Path top = write("top.xml", "<ForceField><Include file=\"sub/types.xml\"/></ForceField>");
        ForceField ff = ForceField.load(List.of(top.toString()));
        assertEquals(12.0, ff.atomType("x").orElseThrow().massAmu());
        assertEquals(2, ff.files().size());
    }

    @Test
    void eachCombinationIsBuiltOnce() {
        assertSame(ForceField.load(List.of("amber14-all.xml")), ForceField.load(List.of("amber14-all.xml")));
    }

    @Test
    void bondAndAngleLookupGiveWhatOpenMMPythonPutInTheBundledSystem() throws IOException {
        // aldp-vacuum.xml (OpenMM Python, amber99sbildn) has <Bond d=".1522" k="265265.6" p1="4" p2="0"/> (ACE C-CH3)
        // and <Angle a="2.1013764194" k="669.44" p1="0" p2="4" p3="5"/> (CH3-C-O).
        ForceField ff = ForceField.load(List.of("amber99sbildn.xml"));
        ResidueTemplate ace = ff.template("ACE").orElseThrow();
        String c = ace.atoms().get(ace.indexOf("C")).type();
        String ch3 = ace.atoms().get(ace.indexOf("CH3")).type();
        String o = ace.atoms().get(ace.indexOf("O")).type();
        assertEquals(new ForceField.BondParameters(0.1522, 265265.6), ff.bond(c, ch3).orElseThrow());
        assertEquals(new ForceField.BondParameters(0.1522, 265265.6), ff.bond(ch3, c).orElseThrow());
        ForceField.AngleParameters a = ff.angle(ch3, c, o).orElseThrow();
        assertEquals(2.1013764194, a.angleRad(), 1e-10);
        assertEquals(669.44, a.kKjMolRad2(), 1e-12);
        assertTrue(ff.bond(o, o).isEmpty());
        ResidueTemplate nala = ForceField.load(List.of("amber14-all.xml")).template("NALA").orElseThrow();
        assertTrue(nala.indexOf("H1") >= 0 && nala.indexOf("H") < 0 && nala.externalBonds().size() == 1);
    }

    private static Pdb.Structure aldp() throws IOException {
        return OpenMMPythonReferenceTest.structure("structures/aldp-vacuum.pdb");
    }

    @Test
    void aResidueTheForceFieldLacksIsNamed() throws IOException {
        Topology t = aldp().topology();
        List<Topology.Atom> atoms = new ArrayList<>();
        for (Topology.Atom a : t.atoms()) {
            atoms.add(a.residueName().equals("ALA") ? new Topology.Atom(a.serial(), a.name(), a.element(), "XYZ",
                    a.residueNumber(), a.chainId(), a.insertionCode()) : a);
        }
        Topology renamed = new Topology(atoms, t.bonds());
        String m = message(() -> ForceField.load(List.of("amber14-all.xml")).createSystem(renamed, ForceField.Options.defaults()));
        assertEquals("residue 2 (XYZ 2): amber14-all.xml has no template for residue XYZ", m);
    }

    @Test
    void atomsThatMatchNoTemplateAreNamed() throws IOException {
        Topology t = aldp().topology();
        List<Topology.Atom> atoms = new ArrayList<>();
        for (Topology.Atom a : t.atoms()) {
            atoms.add(a.residueName().equals("ALA") && a.name().equals("HB3") ? new Topology.Atom(a.serial(), "HX",
                    a.element(), a.residueName(), a.residueNumber(), a.chainId(), a.insertionCode()) : a);
        }
        Topology renamed = new Topology(atoms, t.bonds());
        String m = message(() -> ForceField.load(List.of("amber14-all.xml")).createSystem(renamed, ForceField.Options.defaults()));
        assertEquals("residue 2 (ALA 2) matches no template of amber14-all.xml: closest template ALA: missing atoms HB3; "
                + "extra atoms HX", m);
    }

    @Test
    void aMissingBondIsNamed() throws IOException {
        Topology t = aldp().topology();
        List<int[]> bonds = new ArrayList<>();
        for (int[] b : t.bonds()) {
            boolean caCb = t.atoms().get(b[0]).residueName().equals("ALA") && t.atoms().get(b[1]).residueName().equals("ALA")
                    && List.of("CA", "CB").contains(t.atoms().get(b[0]).name()) && List.of("CA", "CB").contains(t.atoms().get(b[1]).name());
            if (!caCb) {
                bonds.add(b);
            }
        }
        Topology broken = t.withBonds(bonds.toArray(new int[0][]));
        String m = message(() -> ForceField.load(List.of("amber14-all.xml")).createSystem(broken, ForceField.Options.defaults()));
        assertEquals("residue 2 (ALA 2) matches no template of amber14-all.xml: its atoms have the names of template ALA but "
                + "bonds missing CA-CB", m);
    }

    @Test
    void aSecondImplicitSolventIsRefused() throws IOException {
        ForceField ff = ForceField.load(List.of("amber14-all.xml", "implicit/obc1.xml"));
        Topology t = aldp().topology();
        String m = message(() -> ff.createSystem(t, ForceField.Options.defaults().withSolvent(Solvent.GBSA_OBC2)));
        assertTrue(m.contains("already hold an implicit solvent"), m);
    }

    @Test
    void optionsAreCheckedAndNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ForceField.Options.defaults().withCutoffNm(-2));
        assertEquals("--cutoff-nm must be > 0, got -2.0", e.getMessage());
        assertEquals(Solvent.GBSA_OBC2, Solvent.fromCliName("gbsa-obc2"));
        assertEquals(Solvent.AMBER99_OBC, Solvent.fromCliName("amber99_obc"));
        assertThrows(IllegalArgumentException.class, () -> Solvent.fromCliName("water"));
        assertEquals(NonbondedMethod.CUTOFF_NON_PERIODIC, NonbondedMethod.fromCliName("cutoff-nonperiodic"));
    }
}
