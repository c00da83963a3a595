package org.boltzmann4j.bg.coordinates;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Which atoms define each internal coordinate: three reference atoms plus one row (i, j, k, l) per
 * remaining atom, so that atom i sits at bond length |x_i - x_j|, angle i-j-k and torsion i-j-k-l
 * from atoms placed before it. Immutable.
 *
 * <p>Reference atoms r0, r1, r2: r0 is the origin of the molecular frame, r1 fixes its first axis
 * (bond r1-r0) and r2 its plane (bond r2-r0, angle r2-r0-r1). Every row refers only to atoms that
 * come earlier in {@link #placementOrder()}, which is what makes the Cartesian reconstruction a
 * single sequential pass (NeRF) and its Jacobian triangular.
 *
 * <p>{@link #fromBondGraph} builds the Z-matrix as a spanning tree of the bond graph, so rings need
 * no special treatment: the ring-closing bond simply is not one of the coordinates, and its length
 * follows from the others.
 */
public final class ZMatrix {

    private final int atomCount;
    private final int[] reference;
    private final int[][] rows;

    private ZMatrix(int atomCount, int[] reference, int[][] rows) {
        this.atomCount = atomCount;
        this.reference = reference;
        this.rows = rows;
    }

    /**
     * A Z-matrix given explicitly, e.g. one from the literature.
     *
     * @param reference {r0, r1, r2}
     * @param rows one {i, j, k, l} per remaining atom, in placement order; j, k, l must be placed
     *     before i (reference atoms or earlier rows) and i, j, k, l must be distinct
     * @throws IllegalArgumentException if the rows do not place every atom exactly once in an
     *     order where each row only uses atoms already placed
     */
    public static ZMatrix of(int atomCount, int[] reference, int[][] rows) {
        if (atomCount < 3) {
            throw new IllegalArgumentException("a Z-matrix needs at least 3 atoms, got " + atomCount);
        }
        if (reference.length != 3) {
            throw new IllegalArgumentException("need 3 reference atoms, got " + reference.length);
        }
        if (rows.length != atomCount - 3) {
            throw new IllegalArgumentException(
                    "need " + (atomCount - 3) + " rows for " + atomCount + " atoms, got " + rows.length);
        }
        boolean[] placed = new boolean[atomCount];
        for (int r : reference) {
            checkAtom(r, atomCount);
            if (placed[r]) {
                throw new IllegalArgumentException("reference atom " + r + " given twice");
            }
            placed[r] = true;
        }
        int[][] copy = new int[rows.length][];
        for (int t = 0; t < rows.length; t++) {
            int[] row = rows[t];
            if (row.length != 4) {
                throw new IllegalArgumentException("row " + t + " must be {i, j, k, l}");
            }
            for (int a : row) {
                checkAtom(a, atomCount);
            }
            if (placed[row[0]]) {
                throw new IllegalArgumentException("row " + t + ": atom " + row[0] + " is placed twice");
            }
            for (int q = 1; q < 4; q++) {
                if (!placed[row[q]]) {
                    throw new IllegalArgumentException(
                            "row " + t + ": atom " + row[q] + " is used before it is placed");
                }
            }
            if (row[1] == row[2] || row[1] == row[3] || row[2] == row[3]) {
                throw new IllegalArgumentException("row " + t + ": j, k, l must be distinct");
            }
            placed[row[0]] = true;
            copy[t] = row.clone();
        }
        return new ZMatrix(atomCount, reference.clone(), copy);
    }

    private static void checkAtom(int a, int atomCount) {
        if (a < 0 || a >= atomCount) {
            throw new IllegalArgumentException("atom index " + a + " outside [0, " + atomCount + ")");
        }
    }

    /** {@link #fromBondGraph(int, int[][], String[], String[])} without element or name information. */
    public static ZMatrix fromBondGraph(int atomCount, int[][] bonds) {
        return fromBondGraph(atomCount, bonds, null, null);
    }

    /**
     * Builds a Z-matrix from a connected bond graph, independently of how the atoms are numbered.
     *
     * <p>Atoms are first given canonical ranks (Morgan / Weisfeiler-Lehman refinement of the labels
     * hydrogen-or-not, element, name and degree by the ranks of the neighbours), so every later
     * choice depends on the graph and the labels only, never on the atom index. Renumbering the atoms
     * therefore renumbers the rows and changes nothing else. The one exception is atoms that the
     * refinement cannot tell apart (symmetry-equivalent atoms with equal or missing names, such as the
     * three hydrogens of a methyl group without names): ties between those fall back to the atom
     * index. Passing PDB atom names (unique within a residue, e.g. "ACE:H1") removes them.
     *
     * <p>The reference triple is a heavy atom closest to the graph centre (smallest eccentricity,
     * then most heavy neighbours) as r0, and two of its neighbours as r1, r2 (heavy first, then most
     * heavy neighbours, then most central). The remaining atoms are placed in breadth-first order
     * from the reference triple, all reachable heavy atoms before hydrogens and, at equal depth,
     * chain atoms (more heavy neighbours) before terminal ones; for each, j is a placed bonded
     * neighbour and k a placed neighbour of j. The fourth atom l is another placed neighbour of j
     * if j has one (a sibling of i: an improper torsion, stiff, e.g. CB about CA-N relative to C,
     * which fixes the chirality, or the second and third hydrogens of a methyl group relative to
     * the first), otherwise a placed neighbour of k (a proper torsion: the rotation about j-k,
     * carried by the first atom placed on j only). Each is chosen heavy first, then with most heavy
     * neighbours, then earliest placed. So the slow rotations are proper torsions, one per rotatable
     * bond, and everything else is stiff; for a peptide the frame is N-CA-C of a central residue and
     * phi and psi are torsion coordinates.
     *
     * @param bonds pairs {a, b} of bonded atoms (each bond once, either order)
     * @param elements element symbols ("C", "H", ...) or null; only hydrogen-or-not and equality are
     *     used
     * @param names atom names or null; if elements is null, an atom whose name (leading digits
     *     removed) starts with 'H' is taken to be a hydrogen, the PDB convention for biomolecules
     * @throws IllegalArgumentException if the graph has fewer than 3 atoms, a bad bond, or is not
     *     connected
     */
    public static ZMatrix fromBondGraph(int atomCount, int[][] bonds, String[] elements, String[] names) {
        if (atomCount < 3) {
            throw new IllegalArgumentException("need at least 3 atoms, got " + atomCount);
        }
        if (elements != null && elements.length != atomCount) {
            throw new IllegalArgumentException("elements has " + elements.length + " entries, expected " + atomCount);
        }
        if (names != null && names.length != atomCount) {
            throw new IllegalArgumentException("names has " + names.length + " entries, expected " + atomCount);
        }
        int[][] adjacency = adjacency(atomCount, bonds);
        boolean[] hydrogen = new boolean[atomCount];
        for (int a = 0; a < atomCount; a++) {
            hydrogen[a] = isHydrogen(elements == null ? null : elements[a], names == null ? null : names[a]);
        }
        int[] rank = canonicalRanks(adjacency, hydrogen, elements, names);
        int[] fromFirst = bfsDistances(adjacency, new int[] {0});
        for (int a = 0; a < atomCount; a++) {
            if (fromFirst[a] < 0) {
                throw new IllegalArgumentException("the bond graph is not connected (no path from atom 0 to atom " + a + ")");
            }
        }
        int[] eccentricity = new int[atomCount];
        int[] heavyDegree = new int[atomCount];
        for (int a = 0; a < atomCount; a++) {
            eccentricity[a] = Arrays.stream(bfsDistances(adjacency, new int[] {a})).max().orElseThrow();
            for (int b : adjacency[a]) {
                heavyDegree[a] += hydrogen[b] ? 0 : 1;
            }
        }

        // Reference triple: central (small eccentricity), heavy, well connected.
        Integer[] centreCandidates = boxedRange(atomCount);
        Arrays.sort(centreCandidates, Comparator
                .<Integer>comparingInt(a -> adjacency[a].length >= 2 ? 0 : 1)
                .thenComparingInt(a -> hydrogen[a] ? 1 : 0)
                .thenComparingInt(a -> eccentricity[a])
                .thenComparingInt(a -> -heavyDegree[a])
                .thenComparingInt(a -> rank[a]));
        int r0 = centreCandidates[0];
        if (adjacency[r0].length < 2) {
            throw new IllegalArgumentException("no atom has two bonded neighbours");
        }
        Integer[] neighbours = Arrays.stream(adjacency[r0]).boxed().toArray(Integer[]::new);
        Arrays.sort(neighbours, Comparator
                .<Integer>comparingInt(a -> hydrogen[a] ? 1 : 0)
                .thenComparingInt(a -> -heavyDegree[a])
                .thenComparingInt(a -> eccentricity[a])
                .thenComparingInt(a -> rank[a]));
        int r1 = neighbours[0];
        int r2 = neighbours[1];

        // Breadth-first growth; depth is the graph distance from the reference triple.
        int[] depth = bfsDistances(adjacency, new int[] {r0, r1, r2});
        int[] placedAt = new int[atomCount];
        Arrays.fill(placedAt, -1);
        placedAt[r0] = 0;
        placedAt[r1] = 1;
        placedAt[r2] = 2;
        Comparator<Integer> placementPriority = Comparator
                .<Integer>comparingInt(a -> hydrogen[a] ? 1 : 0)
                .thenComparingInt(a -> depth[a])
                .thenComparingInt(a -> -heavyDegree[a])
                .thenComparingInt(a -> rank[a]);
        // Among placed atoms, prefer heavy ones, then chain atoms over terminal ones (so that the
        // backbone torsions such as phi and psi of a peptide are coordinates themselves), then the
        // earliest placed (closest to the frame).
        Comparator<Integer> anchorPriority = Comparator
                .<Integer>comparingInt(a -> hydrogen[a] ? 1 : 0)
                .thenComparingInt(a -> -heavyDegree[a])
                .thenComparingInt(a -> placedAt[a]);
        List<int[]> rows = new ArrayList<>();
        for (int count = 3; count < atomCount; count++) {
            Integer next = null;
            for (int a = 0; a < atomCount; a++) {
                if (placedAt[a] < 0 && hasPlacedNeighbour(adjacency[a], placedAt)
                        && (next == null || placementPriority.compare(a, next) < 0)) {
                    next = a;
                }
            }
            int i = next;
            int j = best(adjacency[i], placedAt, anchorPriority, -1, -1);
            int k = best(adjacency[j], placedAt, anchorPriority, i, -1);
            // A sibling (another placed neighbour of j) makes the torsion improper: the rotation of
            // i about j-k relative to the sibling, a stiff angle near +-120 or 180 degrees that
            // does not move when the bond j-k rotates. Only the first atom placed on j carries that
            // rotation in a proper torsion i-j-k-l.
            int l = best(adjacency[j], placedAt, anchorPriority, k, i);
            if (l < 0) {
                l = best(adjacency[k], placedAt, anchorPriority, j, i);
            }
            if (l < 0) {
                throw new IllegalStateException("no torsion partner for atom " + i); // connectivity forbids this
            }
            rows.add(new int[] {i, j, k, l});
            placedAt[i] = count;
        }
        return new ZMatrix(atomCount, new int[] {r0, r1, r2}, rows.toArray(int[][]::new));
    }

    private static boolean hasPlacedNeighbour(int[] neighbours, int[] placedAt) {
        for (int b : neighbours) {
            if (placedAt[b] >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int best(int[] candidates, int[] placedAt, Comparator<Integer> order, int not1, int not2) {
        int best = -1;
        for (int c : candidates) {
            if (placedAt[c] >= 0 && c != not1 && c != not2 && (best < 0 || order.compare(c, best) < 0)) {
                best = c;
            }
        }
        return best;
    }

    private static boolean isHydrogen(String element, String name) {
        if (element != null && !element.isBlank()) {
            return element.trim().equalsIgnoreCase("H") || element.trim().equalsIgnoreCase("D");
        }
        if (name != null) {
            String stripped = name.trim().replaceFirst("^[0-9]+", "");
            return stripped.toUpperCase(Locale.ROOT).startsWith("H");
        }
        return false;
    }

    private static int[][] adjacency(int atomCount, int[][] bonds) {
        List<List<Integer>> lists = new ArrayList<>();
        for (int a = 0; a < atomCount; a++) {
            lists.add(new ArrayList<>());
        }
        for (int[] bond : bonds) {
            if (bond.length != 2) {
                throw new IllegalArgumentException("a bond must be a pair of atoms: " + Arrays.toString(bond));
            }
            checkAtom(bond[0], atomCount);
            checkAtom(bond[1], atomCount);
            if (bond[0] == bond[1]) {
                throw new IllegalArgumentException("atom " + bond[0] + " is bonded to itself");
            }
            if (!lists.get(bond[0]).contains(bond[1])) {
                lists.get(bond[0]).add(bond[1]);
                lists.get(bond[1]).add(bond[0]);
            }
        }
        int[][] adjacency = new int[atomCount][];
        for (int a = 0; a < atomCount; a++) {
            adjacency[a] = lists.get(a).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return adjacency;
    }

    private static int[] bfsDistances(int[][] adjacency, int[] sources) {
        int[] distance = new int[adjacency.length];
        Arrays.fill(distance, -1);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int s : sources) {
            distance[s] = 0;
            queue.add(s);
        }
        while (!queue.isEmpty()) {
            int a = queue.poll();
            for (int b : adjacency[a]) {
                if (distance[b] < 0) {
                    distance[b] = distance[a] + 1;
                    queue.add(b);
                }
            }
        }
        return distance;
    }

    /**
     * Ranks that depend only on the labelled graph: start from (hydrogen, element, name, degree) and
     * refine each atom's class by the sorted classes of its neighbours until no class splits any
     * more; remaining ties (symmetry-equivalent atoms) are broken by index.
     */
    private static int[] canonicalRanks(int[][] adjacency, boolean[] hydrogen, String[] elements, String[] names) {
        int n = adjacency.length;
        String[] labels = new String[n];
        for (int a = 0; a < n; a++) {
            labels[a] = (hydrogen[a] ? "1" : "0") + "\u0000"
                    + (elements == null || elements[a] == null ? "" : elements[a].trim().toUpperCase(Locale.ROOT))
                    + "\u0000" + (names == null || names[a] == null ? "" : names[a].trim())
                    + "\u0000" + adjacency[a].length;
        }
        String[] sortedLabels = Arrays.stream(labels).distinct().sorted().toArray(String[]::new);
        int[] rank = new int[n];
        for (int a = 0; a < n; a++) {
            rank[a] = Arrays.binarySearch(sortedLabels, labels[a]);
        }
        int classes = sortedLabels.length;
        while (true) {
            int[][] keys = new int[n][];
            for (int a = 0; a < n; a++) {
                int[] key = new int[adjacency[a].length + 1];
                key[0] = rank[a];
                for (int q = 0; q < adjacency[a].length; q++) {
                    key[q + 1] = rank[adjacency[a][q]];
                }
                Arrays.sort(key, 1, key.length);
                keys[a] = key;
            }
            int[] refined = denseRanks(keys);
            int refinedClasses = Arrays.stream(refined).max().orElse(-1) + 1;
            rank = refined;
            if (refinedClasses == classes) {
                break;
            }
            classes = refinedClasses;
        }
        int[][] withIndex = new int[n][];
        for (int a = 0; a < n; a++) {
            withIndex[a] = new int[] {rank[a], a};
        }
        return denseRanks(withIndex);
    }

    private static int[] denseRanks(int[][] keys) {
        Integer[] order = boxedRange(keys.length);
        Arrays.sort(order, (a, b) -> Arrays.compare(keys[a], keys[b]));
        int[] rank = new int[keys.length];
        int current = 0;
        for (int q = 0; q < order.length; q++) {
            if (q > 0 && Arrays.compare(keys[order[q]], keys[order[q - 1]]) != 0) {
                current++;
            }
            rank[order[q]] = current;
        }
        return rank;
    }

    private static Integer[] boxedRange(int n) {
        Integer[] range = new Integer[n];
        for (int a = 0; a < n; a++) {
            range[a] = a;
        }
        return range;
    }

    public int atomCount() {
        return atomCount;
    }

    /** {r0, r1, r2}: origin, first axis, plane of the molecular frame. */
    public int[] referenceAtoms() {
        return reference.clone();
    }

    /** One {i, j, k, l} per non-reference atom, in placement order. */
    public int[][] rows() {
        int[][] copy = new int[rows.length][];
        for (int t = 0; t < rows.length; t++) {
            copy[t] = rows[t].clone();
        }
        return copy;
    }

    /** All atoms in the order they are placed: r0, r1, r2, then the rows' i. */
    public int[] placementOrder() {
        int[] order = new int[atomCount];
        System.arraycopy(reference, 0, order, 0, 3);
        for (int t = 0; t < rows.length; t++) {
            order[t + 3] = rows[t][0];
        }
        return order;
    }

    /** The N-1 bonds {i, j}: r1-r0, r2-r0, then one per row; same order as the bond coordinates. */
    public int[][] bondAtoms() {
        int[][] bonds = new int[atomCount - 1][];
        bonds[0] = new int[] {reference[1], reference[0]};
        bonds[1] = new int[] {reference[2], reference[0]};
        for (int t = 0; t < rows.length; t++) {
            bonds[t + 2] = new int[] {rows[t][0], rows[t][1]};
        }
        return bonds;
    }

    /**
     * Whether torsion t is improper: its fourth atom l is bonded to j (l is a sibling of i about
     * j), through one of the Z-matrix's own bonds, rather than to k. In an acyclic molecule these
     * bonds are all of its bonds; a torsion whose l is bonded to j only by a ring-closing bond
     * counts as proper.
     */
    public boolean improper(int t) {
        int l = rows[t][3], j = rows[t][1];
        for (int[] bond : bondAtoms()) {
            if ((bond[0] == l && bond[1] == j) || (bond[0] == j && bond[1] == l)) return true;
        }
        return false;
    }

    /** The N-2 angles {i, j, k} (vertex j): r2-r0-r1, then one per row. */
    public int[][] angleAtoms() {
        int[][] angles = new int[atomCount - 2][];
        angles[0] = new int[] {reference[2], reference[0], reference[1]};
        for (int t = 0; t < rows.length; t++) {
            angles[t + 1] = new int[] {rows[t][0], rows[t][1], rows[t][2]};
        }
        return angles;
    }

    /** The N-3 torsions {i, j, k, l}, one per row. */
    public int[][] torsionAtoms() {
        return rows();
    }

    /**
     * Which torsion coordinate is the dihedral a-b-c-d (or d-c-b-a, the same angle), e.g. to find phi
     * and psi of a peptide; -1 if it is not one of the coordinates.
     *
     * @return t such that the coordinate is at {@code layout.torsionIndices()[t]}
     */
    public int torsionOf(int a, int b, int c, int d) {
        for (int t = 0; t < rows.length; t++) {
            int[] r = rows[t];
            if ((r[0] == a && r[1] == b && r[2] == c && r[3] == d) || (r[0] == d && r[1] == c && r[2] == b && r[3] == a)) {
                return t;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZMatrix z && z.atomCount == atomCount && Arrays.equals(z.reference, reference)
                && Arrays.deepEquals(z.rows, rows);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(reference) + Arrays.deepHashCode(rows);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ZMatrix[reference=").append(Arrays.toString(reference));
        for (int[] row : rows) {
            s.append(", ").append(Arrays.toString(row));
        }
        return s.append(']').toString();
    }
}
