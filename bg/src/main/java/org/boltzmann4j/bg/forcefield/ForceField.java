package org.boltzmann4j.bg.forcefield;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.boltzmann4j.bg.io.Topology;

/**
 * An OpenMM force field read from ffxml files, with OpenMM Python's rules for combining files
 * and assigning parameters, and {@link #createSystem} writing the System that
 * {@code ForceField(...).createSystem(topology, ...)} makes, as XmlSerializer XML.
 *
 * <p>Names such as {@code amber14-all.xml} or {@code implicit/obc1.xml} are found as OpenMM does:
 * as a path first, then in OpenMM's data folder ({@link #dataFolder()}); an {@code <Include>} is
 * resolved next to the including file first. Each file is parsed once per JVM and each combination
 * of files is built once, so {@code load} and {@code createSystem} do no XML parsing after the
 * first call. Instances are immutable and thread-safe.
 */
public final class ForceField {

    /** Where OpenMM's ffxml files are: {@value #DATA_ENV} if set, else Debian's python3-simtk folder. */
    public static final String DATA_ENV = "BG_FORCEFIELD_DIR";
    static final Path DEBIAN_DATA = Path.of("/usr/lib/python3/dist-packages/openmm/app/data");

    private static final Map<Path, Ffxml> PARSED = new ConcurrentHashMap<>();
    private static final Map<List<Path>, ForceField> COMBINED = new ConcurrentHashMap<>();

    private final List<Path> files;
    private final Path dataFolder;
    final List<AtomType> types;
    final Map<String, Integer> typeIndex;
    final Map<String, ResidueTemplate> templates;
    final List<String> forceOrder;
    final List<Bond> bonds;
    final Map<Integer, List<Integer>> bondsForType;
    final List<Angle> angles;
    final Map<Integer, List<Integer>> anglesForMiddleType;
    final List<Torsion> propers;
    final Map<Integer, List<Integer>> propersForType;
    final List<Torsion> impropers;
    final Nonbonded nonbonded;
    final PerType gbsaObc;
    final List<Ffxml.ScriptModel> scripts;
    private final Map<Solvent, ForceField> withSolvent = new ConcurrentHashMap<>();
    /** Torsion matches by type signature: they depend on the types alone, so each is found once per JVM. */
    final Map<List<Integer>, Optional<Torsion>> properMatches = new ConcurrentHashMap<>();
    final Map<List<Integer>, Optional<SystemBuilder.ImproperMatch>> improperMatches = new ConcurrentHashMap<>();

    /** A set of atom types a definition applies to; the wildcard holds every type. */
    record TypeSet(BitSet types, boolean wildcard) {
        boolean contains(int type) {
            return wildcard || types.get(type);
        }
    }

    record Bond(TypeSet t1, TypeSet t2, double lengthNm, double k) {}

    record Angle(TypeSet t1, TypeSet t2, TypeSet t3, double angleRad, double k) {}

    record Torsion(TypeSet[] t, int[] periodicity, double[] phaseRad, double[] k, String ordering) {
        boolean hasWildcard() {
            return t[0].wildcard() || t[1].wildcard() || t[2].wildcard() || t[3].wildcard();
        }
    }

    /** Per-type parameter values of one force, and the names taken from residue templates instead. */
    record PerType(String force, List<String> names, Map<Integer, Map<String, Double>> values) {
        /** Values in the order of {@code names}; a name the type lacks comes from the template atom. */
        double[] of(int type, String typeName, Map<String, Double> templateParameters, String atom) {
            Map<String, Double> v = values.get(type);
            if (v == null) {
                throw new ForceFieldException(force + ": no parameters for atom type " + typeName + " (atom " + atom + ")");
            }
            double[] out = new double[names.size()];
            for (int i = 0; i < out.length; i++) {
                Double x = v.containsKey(names.get(i)) ? v.get(names.get(i)) : templateParameters.get(names.get(i));
                if (x == null) {
                    throw new ForceFieldException(force + ": no value for " + names.get(i) + " of atom " + atom);
                }
                out[i] = x;
            }
            return out;
        }
    }

    record Nonbonded(double coulomb14Scale, double lj14Scale, Boolean useDispersionCorrection, PerType params) {}

    /** Equilibrium length (nm) and force constant (kJ/mol/nm^2) of a harmonic bond. */
    public record BondParameters(double lengthNm, double kKjMolNm2) {}

    /** Equilibrium angle (radians) and force constant (kJ/mol/rad^2) of a harmonic angle. */
    public record AngleParameters(double angleRad, double kKjMolRad2) {}

    // ------------------------------------------------------------------ loading

    /** Loads force-field files (names in OpenMM's data folder, or paths), as OpenMM's ForceField(*files). */
    public static ForceField load(List<String> names) {
        return load(names, dataFolder());
    }

    /** The same, with another data folder for names that are not paths. */
    public static ForceField load(List<String> names, Path dataFolder) {
        if (names.isEmpty()) {
            throw new ForceFieldException("no force-field files given");
        }
        List<Path> resolved = new ArrayList<>();
        List<String> pending = new ArrayList<>(names);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            String name = pending.get(i);
            if (seen.contains(name)) {
                continue;
            }
            seen.add(name);
            Path path = locate(name, dataFolder);
            if (!resolved.contains(path)) {
                resolved.add(path);
            }
            Ffxml file = parsed(path);
            Path parent = Path.of(name).getParent();
            for (String include : file.includes()) {
                // As OpenMM: next to the including file (as the user named it) if there, else as a bare name.
                Path joined = parent == null ? Path.of(include) : parent.resolve(include);
                String candidate = Files.isRegularFile(joined) ? joined.toString()
                        : Files.isRegularFile(path.resolveSibling(include)) ? path.resolveSibling(include).toString() : include;
                if (!pending.contains(candidate)) {
                    pending.add(candidate);
                }
            }
        }
        List<Path> key = List.copyOf(resolved);
        return COMBINED.computeIfAbsent(key, k -> new ForceField(k, dataFolder));
    }

    /** OpenMM's data folder: the {@value #DATA_ENV} environment variable if set, else Debian's. */
    public static Path dataFolder() {
        String env = System.getenv(DATA_ENV);
        return env == null || env.isBlank() ? DEBIAN_DATA : Path.of(env);
    }

    /**
     * The ffxml for a force-field name of the command line: amber14-all and amber99sbildn are
     * OpenMM's files of that name; anything else is taken as a file name or path.
     */
    public static String fileFor(String forceFieldName) {
        return switch (forceFieldName) {
            case "amber14-all", "amber99sbildn", "amber99sb", "amber03", "amber10", "amber96" -> forceFieldName + ".xml";
            default -> forceFieldName;
        };
    }

    private static Path locate(String name, Path dataFolder) {
        Path direct = Path.of(name);
        if (Files.isRegularFile(direct)) {
            return direct.toAbsolutePath().normalize();
        }
        Path inData = dataFolder.resolve(name);
        if (!direct.isAbsolute() && Files.isRegularFile(inData)) {
            return inData.toAbsolutePath().normalize();
        }
        throw new ForceFieldException(name + ": no such force-field file (looked for it as a path and in "
                + dataFolder + "; set " + DATA_ENV + " for another OpenMM data folder)");
    }

    private static Ffxml parsed(Path path) {
        Ffxml f = PARSED.get(path);
        if (f == null) {
            f = Ffxml.read(path);
            PARSED.putIfAbsent(path, f);
        }
        return f;
    }

    private ForceField(List<Path> files, Path dataFolder) {
        this.files = files;
        this.dataFolder = dataFolder;
        List<Ffxml> parts = files.stream().map(ForceField::parsed).toList();
        // Atom types and classes first: definitions in any file may refer to them.
        List<AtomType> typeList = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Map<String, BitSet> classes = new HashMap<>();
        for (Ffxml part : parts) {
            for (AtomType t : part.atomTypes()) {
                if (index.containsKey(t.name())) {
                    throw new ForceFieldException(part.path() + ": atom type " + t.name() + " is defined twice");
                }
                index.put(t.name(), typeList.size());
                classes.computeIfAbsent(t.atomClass(), c -> new BitSet()).set(typeList.size());
                typeList.add(t);
            }
        }
        this.types = List.copyOf(typeList);
        this.typeIndex = Map.copyOf(index);
        Resolver resolver = new Resolver(index, classes);

        Map<String, ResidueTemplate> templateMap = new LinkedHashMap<>();
        for (Ffxml part : parts) {
            for (ResidueTemplate t : part.templates()) {
                for (ResidueTemplate.Atom a : t.atoms()) {
                    if (!index.containsKey(a.type())) {
                        throw new ForceFieldException(part.path() + ": residue " + t.name() + " atom " + a.name()
                                + " has atom type " + a.type() + ", which no file of the force field defines");
                    }
                }
                ResidueTemplate existing = templateMap.get(t.name());
                if (existing != null) {
                    if (t.overrideLevel() < existing.overrideLevel()) {
                        continue;
                    }
                    if (t.overrideLevel() == existing.overrideLevel()) {
                        throw new ForceFieldException(part.path() + ": residue template " + t.name()
                                + " is defined twice with the same override level " + t.overrideLevel());
                    }
                }
                templateMap.put(t.name(), t);
            }
        }
        this.templates = Collections.unmodifiableMap(templateMap);

        List<String> order = new ArrayList<>();
        List<Bond> bondList = new ArrayList<>();
        List<Angle> angleList = new ArrayList<>();
        List<Torsion> properList = new ArrayList<>();
        List<Torsion> improperList = new ArrayList<>();
        Nonbonded nb = null;
        Map<Integer, Map<String, Double>> nbValues = new HashMap<>();
        List<String> nbFromResidue = new ArrayList<>();
        Map<Integer, Map<String, Double>> gbValues = new HashMap<>();
        boolean hasGbsa = false;
        List<Ffxml.ScriptModel> scriptList = new ArrayList<>();
        for (Ffxml part : parts) {
            for (String tag : part.forceOrder()) {
                if (!order.contains(tag)) {
                    order.add(tag);
                }
            }
            for (Ffxml.BondDef b : part.bonds()) {
                TypeSet[] t = resolver.resolve(b.atoms());
                if (t != null) {
                    bondList.add(new Bond(t[0], t[1], b.lengthNm(), b.k()));
                }
            }
            for (Ffxml.AngleDef a : part.angles()) {
                TypeSet[] t = resolver.resolve(a.atoms());
                if (t != null) {
                    angleList.add(new Angle(t[0], t[1], t[2], a.angleRad(), a.k()));
                }
            }
            for (Ffxml.TorsionDef d : part.torsions()) {
                TypeSet[] t = resolver.resolve(d.atoms());
                if (t != null) {
                    (d.improper() ? improperList : properList).add(
                            new Torsion(t, d.periodicity(), d.phaseRad(), d.k(), d.ordering()));
                }
            }
            for (Ffxml.NonbondedDef d : part.nonbonded()) {
                if (nb == null) {
                    nb = new Nonbonded(d.coulomb14Scale(), d.lj14Scale(), d.useDispersionCorrection(), null);
                } else {
                    // OpenMM's tolerance for the same scale written with different digits.
                    if (Math.abs(nb.coulomb14Scale() - d.coulomb14Scale()) > 1e-5
                            || Math.abs(nb.lj14Scale() - d.lj14Scale()) > 1e-5) {
                        throw new ForceFieldException(part.path() + ": <NonbondedForce> has other 1-4 scales than "
                                + "an earlier file of the force field");
                    }
                    if (nb.useDispersionCorrection() != null && d.useDispersionCorrection() != null
                            && !nb.useDispersionCorrection().equals(d.useDispersionCorrection())) {
                        throw new ForceFieldException(part.path() + ": <NonbondedForce> has another "
                                + "useDispersionCorrection than an earlier file of the force field");
                    }
                    if (nb.useDispersionCorrection() == null && d.useDispersionCorrection() != null) {
                        nb = new Nonbonded(nb.coulomb14Scale(), nb.lj14Scale(), d.useDispersionCorrection(), null);
                    }
                }
                register(resolver, d.atoms(), nbValues);
            }
            if (!part.gbsaObc().isEmpty() || part.forceOrder().contains("GBSAOBCForce")) {
                hasGbsa = true;
            }
            register(resolver, part.gbsaObc(), gbValues);
            scriptList.addAll(part.scripts());
        }
        this.forceOrder = List.copyOf(order);
        this.bonds = List.copyOf(bondList);
        this.angles = List.copyOf(angleList);
        this.propers = List.copyOf(properList);
        this.impropers = List.copyOf(improperList);
        this.bondsForType = byType(bondList.size(), i -> new TypeSet[] {bondList.get(i).t1(), bondList.get(i).t2()});
        this.anglesForMiddleType = byType(angleList.size(), i -> new TypeSet[] {angleList.get(i).t2()});
        this.propersForType = byType(properList.size(), i -> new TypeSet[] {properList.get(i).t()[1], properList.get(i).t()[2]});
        this.nonbonded = nb == null ? null : new Nonbonded(nb.coulomb14Scale(), nb.lj14Scale(),
                nb.useDispersionCorrection(), new PerType("NonbondedForce", List.of("charge", "sigma", "epsilon"), nbValues));
        this.gbsaObc = hasGbsa ? new PerType("GBSAOBCForce", List.of("charge", "radius", "scale"), gbValues) : null;
        this.scripts = List.copyOf(scriptList);
        if (!scripts.isEmpty() && gbsaObc != null) {
            throw new ForceFieldException(files + ": two implicit solvents (a <GBSAOBCForce> and an implicit-solvent <Script>)");
        }
        if (scripts.size() > 1) {
            throw new ForceFieldException(files + ": more than one implicit-solvent <Script>");
        }
    }

    private static void register(Resolver resolver, List<Ffxml.ParamsDef> defs, Map<Integer, Map<String, Double>> into) {
        for (Ffxml.ParamsDef d : defs) {
            TypeSet[] t = resolver.resolve(new Ffxml.Ref[] {d.atom()});
            if (t == null) {
                continue; // OpenMM skips entries for types this force field lacks (amber99_obc.xml has many)
            }
            // A later entry for the same type replaces an earlier one, as in OpenMM.
            if (t[0].wildcard()) {
                for (int i = 0; i < resolver.typeCount(); i++) {
                    into.put(i, d.values());
                }
            } else {
                t[0].types().stream().forEach(i -> into.put(i, d.values()));
            }
        }
    }

    /** For each atom type, the definitions (ascending) whose given positions can hold it. */
    private Map<Integer, List<Integer>> byType(int count, java.util.function.IntFunction<TypeSet[]> positions) {
        Map<Integer, List<Integer>> map = new HashMap<>();
        for (int i = 0; i < count; i++) {
            BitSet union = new BitSet();
            for (TypeSet s : positions.apply(i)) {
                if (s.wildcard()) {
                    union.set(0, types.size());
                } else {
                    union.or(s.types());
                }
            }
            final int def = i;
            union.stream().forEach(t -> map.computeIfAbsent(t, x -> new ArrayList<>()).add(def));
        }
        return map;
    }

    private static final class Resolver {
        private final Map<String, Integer> index;
        private final Map<String, BitSet> classes;

        Resolver(Map<String, Integer> index, Map<String, BitSet> classes) {
            this.index = index;
            this.classes = classes;
        }

        int typeCount() {
            return index.size();
        }

        /** The type sets of a definition's atoms, or null where one names a type or class that is not defined. */
        TypeSet[] resolve(Ffxml.Ref[] refs) {
            TypeSet[] out = new TypeSet[refs.length];
            for (int i = 0; i < refs.length; i++) {
                Ffxml.Ref r = refs[i];
                if (r.kind() == Ffxml.RefKind.NONE) {
                    return null;
                }
                if (r.value().isEmpty()) {
                    out[i] = new TypeSet(new BitSet(), true);
                } else if (r.kind() == Ffxml.RefKind.CLASS) {
                    BitSet c = classes.get(r.value());
                    if (c == null) {
                        return null;
                    }
                    out[i] = new TypeSet(c, false);
                } else {
                    Integer t = index.get(r.value());
                    if (t == null) {
                        return null;
                    }
                    BitSet b = new BitSet();
                    b.set(t);
                    out[i] = new TypeSet(b, false);
                }
            }
            return out;
        }
    }

    // ------------------------------------------------------------------ what it holds

    /** The files this force field was read from, includes resolved, in OpenMM's order. */
    public List<Path> files() {
        return files;
    }

    /** The folder names that are not paths were looked up in. */
    Path folder() {
        return dataFolder;
    }

    /** A short name for messages: the first file's name. */
    String name() {
        return files.getFirst().getFileName().toString();
    }

    /** The atom type of this name, if the force field has it. */
    public Optional<AtomType> atomType(String name) {
        Integer i = typeIndex.get(name);
        return i == null ? Optional.empty() : Optional.of(types.get(i));
    }

    /** The residue templates by name (after override levels are applied). */
    public Map<String, ResidueTemplate> templates() {
        return templates;
    }

    /** The residue template of this name, if the force field has it. */
    public Optional<ResidueTemplate> template(String name) {
        return Optional.ofNullable(templates.get(name));
    }

    /**
     * The harmonic bond parameters createSystem gives a bond between atoms of these two types
     * (the first matching definition, either way round), if any.
     */
    public Optional<BondParameters> bond(String type1, String type2) {
        int a = requireType(type1);
        int b = requireType(type2);
        Bond bond = bondFor(a, b);
        return bond == null ? Optional.empty() : Optional.of(new BondParameters(bond.lengthNm(), bond.k()));
    }

    /** The harmonic angle parameters for atoms of these types (type2 the vertex), if any. */
    public Optional<AngleParameters> angle(String type1, String type2, String type3) {
        Angle angle = angleFor(requireType(type1), requireType(type2), requireType(type3));
        return angle == null ? Optional.empty() : Optional.of(new AngleParameters(angle.angleRad(), angle.k()));
    }

    private int requireType(String name) {
        Integer i = typeIndex.get(name);
        if (i == null) {
            throw new IllegalArgumentException(name() + " has no atom type " + name);
        }
        return i;
    }

    Bond bondFor(int type1, int type2) {
        for (int i : bondsForType.getOrDefault(type1, List.of())) {
            Bond b = bonds.get(i);
            if ((b.t1().contains(type1) && b.t2().contains(type2)) || (b.t1().contains(type2) && b.t2().contains(type1))) {
                return b;
            }
        }
        return null;
    }

    Angle angleFor(int type1, int type2, int type3) {
        for (int i : anglesForMiddleType.getOrDefault(type2, List.of())) {
            Angle a = angles.get(i);
            if (a.t2().contains(type2) && ((a.t1().contains(type1) && a.t3().contains(type3))
                    || (a.t1().contains(type3) && a.t3().contains(type1)))) {
                return a;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ systems

    /**
     * What createSystem is asked for. {@code cutoffNm} is written to the System with either method
     * (OpenMM's default 1 nm), and used with {@link NonbondedMethod#CUTOFF_NON_PERIODIC};
     * {@code removeCMMotion} adds a CMMotionRemover as OpenMM's createSystem does by default;
     * {@code separateForceGroups} puts force i in group i (OpenMM leaves every force in group 0),
     * so that per-force energies can be asked for.
     */
    public record Options(NonbondedMethod nonbondedMethod, double cutoffNm, Solvent solvent, boolean removeCMMotion,
                          boolean separateForceGroups) {
        public Options {
            Objects.requireNonNull(nonbondedMethod, "nonbondedMethod");
            Objects.requireNonNull(solvent, "solvent");
            if (!(cutoffNm > 0) || !Double.isFinite(cutoffNm)) {
                throw new IllegalArgumentException("--cutoff-nm must be > 0, got " + cutoffNm);
            }
        }

        /** NoCutoff, 1 nm, vacuum, CMMotionRemover, all forces in group 0: OpenMM's createSystem defaults. */
        public static Options defaults() {
            return new Options(NonbondedMethod.NO_CUTOFF, 1.0, Solvent.VACUUM, true, false);
        }

        public Options withNonbonded(NonbondedMethod method) {
            return new Options(method, cutoffNm, solvent, removeCMMotion, separateForceGroups);
        }

        public Options withCutoffNm(double value) {
            return new Options(nonbondedMethod, value, solvent, removeCMMotion, separateForceGroups);
        }

        public Options withSolvent(Solvent value) {
            return new Options(nonbondedMethod, cutoffNm, value, removeCMMotion, separateForceGroups);
        }

        public Options withRemoveCMMotion(boolean value) {
            return new Options(nonbondedMethod, cutoffNm, solvent, value, separateForceGroups);
        }

        public Options withSeparateForceGroups(boolean value) {
            return new Options(nonbondedMethod, cutoffNm, solvent, removeCMMotion, value);
        }
    }

    /**
     * The System OpenMM Python's {@code ForceField(files).createSystem(topology, nonbondedMethod,
     * nonbondedCutoff, constraints=None, rigidWater=False, removeCMMotion)} builds, with the
     * options' implicit solvent added (its ffxml loaded beside this force field's files, or the
     * native OBC2 force for {@link Solvent#GBSA_OBC2}). Residues are matched to templates by name,
     * position in the chain and atom names.
     *
     * @throws ForceFieldException naming the residue and atoms when a residue matches no template
     */
    public ParameterizedSystem createSystem(Topology topology, Options options) {
        ForceField ff = this;
        Optional<String> solventFile = options.solvent().file();
        if (options.solvent() != Solvent.VACUUM && (!scripts.isEmpty() || gbsaObc != null)) {
            throw new ForceFieldException(files + " already hold an implicit solvent; --solvent "
                    + options.solvent().cliName() + " would add a second one");
        }
        if (solventFile.isPresent()) {
            ff = withSolvent.computeIfAbsent(options.solvent(), s -> {
                List<String> names = new ArrayList<>(files.stream().map(Path::toString).toList());
                names.add(solventFile.get());
                return load(names, dataFolder);
            });
        }
        return new SystemBuilder(ff, topology, options).build();
    }
}
