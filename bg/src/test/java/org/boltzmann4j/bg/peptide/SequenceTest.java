package org.boltzmann4j.bg.peptide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SequenceTest {

    @Test
    void oneLetterCodesBecomeAmberNamesWithHistidineAsHie() {
        Sequence s = Sequence.parse("ksH", Termini.ZWITTERION);
        assertEquals(List.of("LYS", "SER", "HIE"), s.residues());
        assertEquals(Termini.ZWITTERION, s.termini());
        assertEquals("LYS-SER-HIE", s.toString());
    }

    @Test
    void dashedNamesWithCapsAreCapped() {
        Sequence s = Sequence.parse("ACE-ALA-NME", Termini.ZWITTERION);
        assertEquals(List.of("ALA"), s.residues());
        assertEquals(Termini.CAPPED, s.termini());
        assertEquals("ACE-ALA-NME", s.toString());
        assertEquals(List.of("HID", "HIE", "HIP"), Sequence.parse("hid-His-HIP", Termini.ZWITTERION).residues());
    }

    @Test
    void tenResiduesAreAllowedCapsNotCounted() {
        assertEquals(10, Sequence.parse("ACE-" + "ALA-".repeat(10) + "NME", Termini.ZWITTERION).residues().size());
        assertEquals(10, Sequence.parse("GGGGGGGGGG", Termini.ZWITTERION).residues().size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "KXS | unknown one-letter code 'X' at position 2",
            "ALA-FOO | unknown residue name 'FOO' at position 2",
            "'' | --sequence is empty",
            "'   ' | --sequence is empty",
            "AAAAAAAAAAA | 11 residues, at most 10",
            "ALA-ACE-GLY | ACE may only be the first name",
            "ALA-NME-GLY | NME may only be the last name",
            "ACE-ALA | ACE needs NME",
            "ACE-NME | no residues between its caps",
            "A | a single residue needs --termini capped",
            "ALA--GLY | empty residue name at position 2"})
    void badSequencesSayWhatIsWrong(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sequence.parse(text, Termini.ZWITTERION));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().startsWith("--sequence"), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }

    @Test
    void aSingleResidueIsFineCapped() {
        assertEquals(List.of("TRP"), Sequence.parse("W", Termini.CAPPED).residues());
    }

    @Test
    void phiPsiPairsParse() {
        List<double[]> p = BuildOptions.parsePhiPsi("-60,-45:-120.5,130");
        assertEquals(2, p.size());
        assertEquals(-120.5, p.get(1)[0]);
        assertThrows(IllegalArgumentException.class, () -> BuildOptions.parsePhiPsi("-60"));
        assertThrows(IllegalArgumentException.class, () -> BuildOptions.parsePhiPsi("a,b"));
    }
}
