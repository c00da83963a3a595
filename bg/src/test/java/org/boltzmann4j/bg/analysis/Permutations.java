package org.boltzmann4j.bg.analysis;

/** Lexicographic next permutation, for brute-force references in tests. */
final class Permutations {
    private Permutations() {}

    /** Advances p to its next permutation in lexicographic order; false (p unchanged) after the last. */
    static boolean next(int[] p) {
        int i = p.length - 2;
        while (i >= 0 && p[i] >= p[i + 1]) i--;
        if (i < 0) return false;
        int j = p.length - 1;
        while (p[j] <= p[i]) j--;
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
        for (int a = i + 1, b = p.length - 1; a < b; a++, b--) {
            t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
        return true;
    }
}
