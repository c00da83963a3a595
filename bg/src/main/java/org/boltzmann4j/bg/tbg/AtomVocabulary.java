package org.boltzmann4j.bg.tbg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The conditioning vocabulary: each atom's canonical type, its residue's position in the chain and its
 * amino-acid type, one-hot, concatenated: features() is (N, width()) with width() = types + positions +
 * {@value #AMINO_ACID_COUNT}.
 *
 * <p>Types (TBG "full" conditioning): the atom's name within its residue, shared across residues (CA of
 * ALA and CA of LYS are one type; the amino-acid one-hot tells them apart), except that atoms the force
 * field cannot tell apart share one name. Those are exactly the same-element terminal atoms on one parent
 * atom: the hydrogens of a methyl, methylene, NH2 or NH3+ group (HB1/HB2/HB3 -> HB, HG21/HG22/HG23 -> HG2,
 * HH11/HH12 of ARG -> HH1, GLY's HA2/HA3 -> HA) and the two oxygens of a carboxylate (ASP OD1/OD2 -> OD,
 * GLU OE1/OE2 -> OE). Swapping two such atoms is a symmetry of the molecular graph with identical
 * parameters, so the energy is invariant and the flow may be too. Nothing else is merged, because the flow
 * is invariant under every permutation of atoms with identical features: merging LEU's CD1/CD2, the ring
 * atoms CD1/CD2 of PHE, or ARG's NH1/NH2 without also tying their hydrogens to them would make the flow
 * give a swapped heavy atom, sitting among the other one's hydrogens, the same density as the real
 * molecule, so mass would go to configurations with a wrong bond graph. Ring hydrogens (HD1,
 * HE1, HZ2 ...) sit on different atoms and keep their names.
 *
 * <p>Termini and caps. Zwitterionic termini follow the same rule: the N terminus's H1/H2/H3 (PRO: H2/H3),
 * equivalent on the NH3+ nitrogen, become H, the type of the amide hydrogen on the backbone N that they
 * replace (a terminal residue has no other H); the C terminus's OXT becomes O, since OXT and O are the two
 * equivalent carboxylate oxygens (amber14 gives both type O2 and one charge), so they form one exchangeable
 * pair. Caps: the methyl hydrogens of ACE and NME are HH3 (OpenMM's amber14 templates name them H1/H2/H3,
 * the PDB and this project's builder HH31/HH32/HH33), and NME's methyl carbon is CH3 (amber14 calls it C,
 * which is the carbonyl carbon's name everywhere else). Positions count residues in topology order, caps
 * included: ACE-ALA-NME is 0, 1, 2 and the zwitterion AK is 0, 1. Histidine in any protonation (HIE, HID,
 * HIP) is amino acid HIS; its protonation shows in its atoms (HD1, HE2).
 *
 * <p>The field's 400 zwitterionic dipeptides (HIS as HIE) give 55 types: C CA CB CD CD1 CD2 CE CE1 CE2
 * CE3 CG CG1 CG2 CH2 CZ CZ2 CZ3 H HA HB HD HD1 HD2 HE HE1 HE2 HE3 HG HG1 HG2 HH HH1 HH2 HZ HZ2 HZ3 N ND1
 * ND2 NE NE1 NE2 NH1 NH2 NZ O OD OD1 OE OE1 OG OG1 OH SD SG (AtomVocabularyTest builds them); caps add
 * CH3 and HH3. The TBG paper reports 54 with its own naming rules.
 */
public final class AtomVocabulary {

    /** The amino-acid one-hot: the 20 standard residues and the caps, fixed and sorted. */
    public static final List<String> AMINO_ACIDS = List.of("ACE", "ALA", "ARG", "ASN", "ASP", "CYS", "GLN", "GLU",
            "GLY", "HIS", "ILE", "LEU", "LYS", "MET", "NME", "PHE", "PRO", "SER", "THR", "TRP", "TYR", "VAL");

    public static final int AMINO_ACID_COUNT = 22;

    /** Names merged per residue (after the termini and caps rules), name -> canonical type. */
    private static final Map<String, Map<String, String>> MERGED = merged();

    private static final Map<String, Integer> AMINO_ACID_INDEX = indexOf(AMINO_ACIDS);

    private final List<String> types;
    private final Map<String, Integer> typeIndex;
    private final int positions;

    private AtomVocabulary(Collection<String> types, int positions) {
        this.types = List.copyOf(new TreeSet<>(types));
        if (this.types.size() != types.size()) {
            throw new IllegalArgumentException("vocabulary types repeat: " + types);
        }
        if (this.types.isEmpty()) {
            throw new IllegalArgumentException("vocabulary has no atom types");
        }
        if (positions < 1) {
            throw new IllegalArgumentException("vocabulary positions must be >= 1, got " + positions);
        }
        this.typeIndex = indexOf(this.types);
        this.positions = positions;
    }

    /** The vocabulary that covers these topologies (types in sorted order, positions up to the longest chain). */
    public static AtomVocabulary covering(Collection<Topology> topologies) {
        if (topologies.isEmpty()) {
            throw new IllegalArgumentException("a vocabulary needs at least one topology");
        }
        Set<String> types = new TreeSet<>();
        int positions = 0;
        for (Topology t : topologies) {
            List<Topology.Residue> residues = t.residues();
            positions = Math.max(positions, residues.size());
            for (Topology.Residue r : residues) {
                for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) {
                    Topology.Atom a = t.atoms().get(i);
                    aminoAcid(a, i);
                    types.add(canonicalType(a.residueName(), a.name()));
                }
            }
        }
        return new AtomVocabulary(types, positions);
    }

    /** The canonical type of an atom name in a residue ("ALA", "HB2" -> "HB"); see the class comment. */
    public static String canonicalType(String residueName, String atomName) {
        String residue = aminoAcidOf(residueName);
        String name = atomName.strip();
        if (residue.equals("ACE") || residue.equals("NME")) {
            switch (name) {
                case "H1", "H2", "H3", "HH31", "HH32", "HH33" -> {
                    return "HH3";
                }
                case "C" -> {
                    return residue.equals("NME") ? "CH3" : "C";
                }
                default -> {
                    return name;
                }
            }
        }
        if (residue.isEmpty()) return name;
        switch (name) {
            case "H1", "H2", "H3" -> {
                return "H";
            }
            case "OXT" -> {
                return "O";
            }
            default -> {
                return MERGED.getOrDefault(residue, Map.of()).getOrDefault(name, name);
            }
        }
    }

    /** The amino acid of the one-hot for a residue name (HIE, HID, HIP -> HIS), or "" if it is none. */
    private static String aminoAcidOf(String residueName) {
        String r = residueName.strip();
        if (r.equals("HIE") || r.equals("HID") || r.equals("HIP")) return "HIS";
        return AMINO_ACID_INDEX.containsKey(r) ? r : "";
    }

    private static int aminoAcid(Topology.Atom a, int index) {
        String aa = aminoAcidOf(a.residueName());
        if (aa.isEmpty()) {
            throw new IllegalArgumentException(describe(a, index) + ": residue '" + a.residueName()
                    + "' is not one of the vocabulary's amino acids " + AMINO_ACIDS + " (HIS as HIE, HID or HIP)");
        }
        return AMINO_ACID_INDEX.get(aa);
    }

    private static String describe(Topology.Atom a, int index) {
        return "atom " + index + " (" + a.name() + ") of residue " + a.residueName() + " " + a.residueNumber();
    }

    /** The atom types, sorted: the first types().size() features. */
    public List<String> types() {
        return types;
    }

    /** The residue positions the vocabulary knows, 0 .. positions() - 1. */
    public int positions() {
        return positions;
    }

    /** The number of features per atom. */
    public int width() {
        return types.size() + positions + AMINO_ACID_COUNT;
    }

    /**
     * Features of every atom (N, width()), float64; an atom, residue or position outside the vocabulary
     * is refused with an IllegalArgumentException naming it.
     */
    public INDArray features(Topology topology) {
        int[][] keys = keys(topology);
        int width = width();
        double[] f = new double[keys.length * width];
        for (int i = 0; i < keys.length; i++) {
            f[i * width + keys[i][0]] = 1;
            f[i * width + types.size() + keys[i][1]] = 1;
            f[i * width + types.size() + positions + keys[i][2]] = 1;
        }
        return Batches.matrix(f, keys.length, width, DataType.DOUBLE);
    }

    /** Per atom: its type index, residue position and amino-acid index, each checked against the vocabulary. */
    private int[][] keys(Topology topology) {
        if (topology.atomCount() == 0) {
            throw new IllegalArgumentException("the topology has no atoms");
        }
        int[][] keys = new int[topology.atomCount()][];
        List<Topology.Residue> residues = topology.residues();
        for (Topology.Residue r : residues) {
            for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) {
                Topology.Atom a = topology.atoms().get(i);
                int aa = aminoAcid(a, i);
                if (r.index() >= positions) {
                    throw new IllegalArgumentException(describe(a, i) + ": residue position " + r.index() + " (of "
                            + residues.size() + " residues) is outside the vocabulary's positions 0.." + (positions - 1));
                }
                String type = canonicalType(a.residueName(), a.name());
                Integer t = typeIndex.get(type);
                if (t == null) {
                    throw new IllegalArgumentException(describe(a, i) + ": atom type '" + type
                            + "' is not in the vocabulary (" + types.size() + " types from its training topologies)");
                }
                keys[i] = new int[] {t, r.index(), aa};
            }
        }
        return keys;
    }

    /**
     * Groups of atom indices (size >= 2) with identical features: exchangeable under the flow's symmetry.
     * Groups in order of their first atom, atoms ascending.
     */
    public int[][] equivalentGroups(Topology topology) {
        int[][] keys = keys(topology);
        Map<List<Integer>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            groups.computeIfAbsent(List.of(keys[i][0], keys[i][1], keys[i][2]), k -> new ArrayList<>()).add(i);
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> g : groups.values()) {
            if (g.size() >= 2) out.add(g.stream().mapToInt(Integer::intValue).toArray());
        }
        return out.toArray(new int[0][]);
    }

    /**
     * The vocabulary as JSON, for the model folder: {"types": [sorted atom types], "positions": P,
     * "amino_acids": [the fixed list], "width": types + P + 22}.
     */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ArrayNode t = json.putArray("types");
        types.forEach(t::add);
        json.put("positions", positions);
        ArrayNode aa = json.putArray("amino_acids");
        AMINO_ACIDS.forEach(aa::add);
        json.put("width", width());
        return json;
    }

    public static AtomVocabulary fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("vocabulary: expected a JSON object");
        }
        JsonNode t = json.get("types");
        if (t == null || !t.isArray()) {
            throw new IllegalArgumentException("vocabulary: 'types' must be an array of atom types");
        }
        List<String> types = new ArrayList<>();
        for (JsonNode n : t) {
            if (!n.isTextual()) throw new IllegalArgumentException("vocabulary: 'types' holds a non-string " + n);
            types.add(n.asText());
        }
        JsonNode p = json.get("positions");
        if (p == null || !p.canConvertToInt()) {
            throw new IllegalArgumentException("vocabulary: 'positions' must be an integer");
        }
        JsonNode aa = json.get("amino_acids");
        if (aa != null) {
            List<String> listed = new ArrayList<>();
            aa.forEach(n -> listed.add(n.asText()));
            if (!listed.equals(AMINO_ACIDS)) {
                throw new IllegalArgumentException("vocabulary: 'amino_acids' " + listed + " differ from this version's "
                        + AMINO_ACIDS);
            }
        }
        AtomVocabulary v = new AtomVocabulary(types, p.asInt());
        if (!v.types.equals(types)) {
            throw new IllegalArgumentException("vocabulary: 'types' are not sorted: " + types);
        }
        JsonNode w = json.get("width");
        if (w != null && w.asInt() != v.width()) {
            throw new IllegalArgumentException("vocabulary: 'width' " + w.asInt() + " is not types + positions + amino acids = "
                    + v.width());
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AtomVocabulary v && v.types.equals(types) && v.positions == positions;
    }

    @Override
    public int hashCode() {
        return 31 * types.hashCode() + positions;
    }

    @Override
    public String toString() {
        return "AtomVocabulary[" + types.size() + " types, " + positions + " positions, " + AMINO_ACID_COUNT
                + " amino acids]";
    }

    private static <T> Map<T, Integer> indexOf(List<T> list) {
        Map<T, Integer> m = new HashMap<>();
        for (int i = 0; i < list.size(); i++) m.put(list.get(i), i);
        return Map.copyOf(m);
    }

    /**
     * The equivalent terminal atoms of each residue in amber14's names (a name listed with its canonical
     * type). AtomVocabularyTest checks the table against the bonds of built residues: two atoms of a
     * residue share a type exactly when they are same-element terminal atoms on one parent.
     */
    private static Map<String, Map<String, String>> merged() {
        String table = """
                ALA: HB=HB1,HB2,HB3
                ARG: HB=HB2,HB3 HG=HG2,HG3 HD=HD2,HD3 HH1=HH11,HH12 HH2=HH21,HH22
                ASN: HB=HB2,HB3 HD2=HD21,HD22
                ASP: HB=HB2,HB3 OD=OD1,OD2
                CYS: HB=HB2,HB3
                GLN: HB=HB2,HB3 HG=HG2,HG3 HE2=HE21,HE22
                GLU: HB=HB2,HB3 HG=HG2,HG3 OE=OE1,OE2
                GLY: HA=HA2,HA3
                HIS: HB=HB2,HB3
                ILE: HG1=HG12,HG13 HG2=HG21,HG22,HG23 HD1=HD11,HD12,HD13
                LEU: HB=HB2,HB3 HD1=HD11,HD12,HD13 HD2=HD21,HD22,HD23
                LYS: HB=HB2,HB3 HG=HG2,HG3 HD=HD2,HD3 HE=HE2,HE3 HZ=HZ1,HZ2,HZ3
                MET: HB=HB2,HB3 HG=HG2,HG3 HE=HE1,HE2,HE3
                PHE: HB=HB2,HB3
                PRO: HB=HB2,HB3 HG=HG2,HG3 HD=HD2,HD3
                SER: HB=HB2,HB3
                THR: HG2=HG21,HG22,HG23
                TRP: HB=HB2,HB3
                TYR: HB=HB2,HB3
                VAL: HG1=HG11,HG12,HG13 HG2=HG21,HG22,HG23
                """;
        Map<String, Map<String, String>> out = new HashMap<>();
        for (String line : table.strip().split("\n")) {
            String[] parts = line.split(":");
            Map<String, String> m = new HashMap<>();
            for (String group : parts[1].strip().split("\\s+")) {
                String[] kv = group.split("=");
                for (String name : kv[1].split(",")) m.put(name, kv[0]);
            }
            out.put(parts[0], Map.copyOf(m));
        }
        return Map.copyOf(out);
    }
}
