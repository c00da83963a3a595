package org.boltzmann4j.bg.generator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.coordinates.ZMatrix;
import org.boltzmann4j.bg.energy.Energy;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.ParameterArchive;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.systems.SystemCheck;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.Topology;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A molecular Boltzmann generator as saved on disk: a folder with
 *
 * <ul>
 *   <li>{@code model.json}: format and version, the system's name and atom count, the temperature,
 *       the flow architecture, its fixed normalisation, the Z-matrix, and how it was trained;
 *   <li>{@code system.xml}: the OpenMM System the model targets;
 *   <li>{@code structure.pdb}: topology (atoms, bonds) and the reference structure;
 *   <li>{@code parameters.zip}: the trained parameters (a {@link ParameterArchive}), which the
 *       model loads;
 *   <li>{@code checkpoint.a}, {@code checkpoint.b}: the training checkpoint (parameters, optimizer
 *       state, data split; {@code training.TrainingCheckpoint} in the library's run-checkpoint
 *       container), from which training resumes; not needed to sample.
 * </ul>
 *
 * Loading rebuilds the identical flow from model.json and copies the parameters in by name.
 */
public final class MolecularModel {
    public static final String FORMAT = "boltzmann4j-model";
    /**
     * 3: torsions of sibling atoms improper (Z-matrix), stiff torsions bounded (normalization
     * torsion_centre and bounded_torsions), log q including the rotational volume element.
     */
    public static final int VERSION = 3;
    public static final String MANIFEST = "model.json";
    public static final String SYSTEM = "system.xml";
    public static final String STRUCTURE = "structure.pdb";
    public static final String PARAMETERS = "parameters.zip";
    /** The parameter file's format name (its manifest also records the step it was written at). */
    public static final String PARAMETERS_FORMAT = "boltzmann4j-model-parameters";
    public static final int PARAMETERS_VERSION = 1;
    /** The training checkpoint's name in a model folder (slots checkpoint.a and checkpoint.b). */
    public static final String CHECKPOINT = "checkpoint";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String name;
    private final String systemXml;
    private final Topology topology;
    private final double[] structure;
    private final ZMatrix zMatrix;
    private final FlowArchitecture architecture;
    private final MolecularFlow.Normalization normalization;
    private final double temperatureK;
    private final MolecularFlow.Built built;
    private ObjectNode training;

    public MolecularModel(String name, String systemXml, Topology topology, double[] structure, FlowArchitecture architecture,
            MolecularFlow.Normalization normalization, double temperatureK) {
        this(name, systemXml, topology, structure, architecture.coordinates().equals("internal") ? zMatrixOf(topology) : null,
                architecture, normalization, temperatureK);
    }

    private MolecularModel(String name, String systemXml, Topology topology, double[] structure, ZMatrix zMatrix,
            FlowArchitecture architecture, MolecularFlow.Normalization normalization, double temperatureK) {
        if (structure.length != 3 * topology.atomCount())
            throw new IllegalArgumentException("the structure has " + structure.length / 3 + " atoms, the topology " + topology.atomCount());
        if (zMatrix != null) SystemCheck.require(SystemCheck.Method.INTERNAL_COORDINATES, SystemCheck.features(systemXml), name);
        this.name = name;
        this.systemXml = systemXml;
        this.topology = topology;
        this.structure = structure.clone();
        this.zMatrix = zMatrix;
        this.architecture = architecture;
        this.normalization = normalization;
        this.temperatureK = temperatureK;
        this.built = MolecularFlow.build(topology.atomCount(), zMatrix, architecture, normalization);
        this.training = JSON.createObjectNode();
    }

    /**
     * A new, untrained model of a system: the flow of {@code architecture} with its fixed
     * normalisation fitted on {@code data} (MD frames in nm, a float64 (frames, 3 atoms) matrix), or laid around the structure's first
     * frame when there are none (training by energy alone).
     *
     * @param source how messages name the structure (a file name)
     * @throws IllegalArgumentException for internal coordinates on a topology without bonds, or
     *     data of another atom count
     */
    public static MolecularModel create(String name, String systemXml, Pdb.Structure structure, String source, FlowArchitecture architecture,
            INDArray data, double temperatureK) {
        Topology topology = structure.topology();
        int atoms = topology.atomCount();
        boolean internal = architecture.coordinates().equals("internal");
        if (internal && topology.bondCount() == 0)
            throw new IllegalArgumentException(source + " has no bonds: internal coordinates need them (use --coordinates cartesian for toy systems)");
        // before the normalisation is fitted to the data (the constructor asks again, for loaded models)
        if (internal) SystemCheck.require(SystemCheck.Method.INTERNAL_COORDINATES, SystemCheck.features(systemXml), name);
        if (data != null && (data.rank() != 2 || data.columns() != 3L * atoms))
            throw new IllegalArgumentException("the data have " + (data.rank() == 2 ? data.columns() / 3.0 : "not 2-d,") + " atoms per frame, " + source + " has " + atoms);
        ZMatrix zMatrix = internal ? zMatrixOf(topology) : null;
        double[] start = structure.frames().frame(0);
        MolecularFlow.Normalization normalization = data != null
                ? MolecularFlow.fit(atoms, zMatrix, architecture, data)
                : MolecularFlow.around(atoms, zMatrix, architecture, start);
        return new MolecularModel(name, systemXml, topology, start, zMatrix, architecture, normalization, temperatureK);
    }

    /**
     * The starting point of another training run from this (trained) model, for fine-tuning: a new
     * model of the same molecule (topology, structure, Z-matrix), with this model's flow
     * (architecture, normalisation) and a copy of its parameters, for the system and temperature
     * given (a system of another solvent or force field for the same atoms is allowed). Its
     * training record starts as {@code {"initialized_from": {"model": from, "training": this
     * model's record}}}, so model.json tells how the whole chain of runs was trained.
     *
     * @param from how the record names this model (its folder)
     */
    public MolecularModel initialFor(String name, String systemXml, double temperatureK, String from) {
        MolecularModel next = new MolecularModel(name, systemXml, topology, structure, zMatrix, architecture, normalization, temperatureK);
        Map<String, Parameter> mine = built.flow().namedParameters(), theirs = next.built.flow().namedParameters();
        for (Map.Entry<String, Parameter> e : mine.entrySet()) theirs.get(e.getKey()).value().assign(e.getValue().value());
        ObjectNode record = next.training.putObject("initialized_from");
        record.put("model", from);
        record.set("training", training.deepCopy());
        return next;
    }

    /**
     * The Z-matrix of a topology. Atom names carry their residue so that symmetric atoms (the three
     * methyl hydrogens of each residue) are ordered the same way whatever the atom numbering.
     */
    public static ZMatrix zMatrixOf(Topology topology) {
        int n = topology.atomCount();
        String[] elements = new String[n], names = new String[n];
        for (int i = 0; i < n; i++) {
            Topology.Atom a = topology.atoms().get(i);
            elements[i] = a.element();
            names[i] = a.residueName() + a.residueNumber() + ":" + a.name();
        }
        return ZMatrix.fromBondGraph(n, topology.bonds(), elements, names);
    }

    public String name() {
        return name;
    }

    public String systemXml() {
        return systemXml;
    }

    public Topology topology() {
        return topology;
    }

    public double[] structure() {
        return structure.clone();
    }

    public int atoms() {
        return topology.atomCount();
    }

    /** The Z-matrix of internal-coordinate models; null for Cartesian ones. */
    public ZMatrix zMatrix() {
        return zMatrix;
    }

    public FlowArchitecture architecture() {
        return architecture;
    }

    public MolecularFlow.Normalization normalization() {
        return normalization;
    }

    public double temperatureK() {
        return temperatureK;
    }

    public MolecularFlow.Built built() {
        return built;
    }

    /** How the model was trained (free-form JSON saved in model.json under "training"). */
    public ObjectNode training() {
        return training;
    }

    /** A generator with this model's base and flow (shared) and the given target energy, at the model's temperature. */
    public BoltzmannGenerator generator(Energy energy) {
        return BoltzmannGenerator.atTemperature(built.base(), built.flow(), energy, temperatureK);
    }

    /**
     * n samples x ~ q with log q, energies (from {@code energy}: OpenMM) and log-weights, drawn in
     * chunks; the same seed gives the same samples.
     *
     * @param progress called with the number of samples done after each chunk
     */
    public SampleSet sample(int n, long seed, Energy energy, java.util.function.IntConsumer progress) {
        if (n < 1) throw new IllegalArgumentException("--n must be >= 1, got " + n);
        BoltzmannGenerator generator = generator(energy);
        int dim = 3 * atoms();
        double[] x = new double[n * dim], logQ = new double[n], energies = new double[n], logW = new double[n];
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int chunk = 2048;
        for (int first = 0; first < n; first += chunk) {
            int m = Math.min(chunk, n - first);
            BoltzmannGenerator.Samples s = generator.sample(m, random.split());
            System.arraycopy(org.boltzmann4j.bg.tensor.Batches.toDoubles(s.x()), 0, x, first * dim, m * dim);
            System.arraycopy(s.logQ().data().asDouble(), 0, logQ, first, m);
            System.arraycopy(s.energies().data().asDouble(), 0, energies, first, m);
            System.arraycopy(s.logW().data().asDouble(), 0, logW, first, m);
            progress.accept(first + m);
        }
        return new SampleSet(new Frames(n, atoms(), x), logQ, energies, logW);
    }

    /**
     * Samples of annealed importance sampling from this model's flow towards exp(-U/kT) ({@link
     * org.boltzmann4j.bg.sampling.AnnealedImportanceSampling}, in the flow's latent space), in chunks of
     * 256 whose HMC step sizes adapt from chunk to chunk; chunk c draws from (seed, AIS stream, c).
     * Returns the final configurations with their energies (kJ/mol, from {@code energy}) and AIS
     * log weights, and the flow's own log weights of the starting samples.
     */
    public AisSamples annealedSamples(int n, long seed, Energy energy, org.boltzmann4j.bg.sampling.AnnealedImportanceSampling.Settings settings,
            java.util.function.IntConsumer progress) {
        if (n < 1) throw new IllegalArgumentException("--n must be >= 1, got " + n);
        double kT = org.boltzmann4j.bg.energy.ThermalEnergy.kT(temperatureK);
        var ais = new org.boltzmann4j.bg.sampling.AnnealedImportanceSampling(built.base(), built.flow(), energy, kT, built.circular(),
                org.boltzmann4j.bg.sampling.AnnealedImportanceSampling.Target.BOLTZMANN, settings);
        int dim = 3 * atoms(), chunk = 256;
        double[] x = new double[n * dim], energies = new double[n], logW = new double[n], flowLogW = new double[n];
        long evaluations = 0;
        double acceptance = 0;
        int chunks = 0;
        for (int first = 0; first < n; first += chunk, chunks++) {
            int m = Math.min(chunk, n - first);
            var r = ais.run(m, org.boltzmann4j.bg.random.RandomStreams.of(seed, org.boltzmann4j.bg.random.RandomStreams.AIS, chunks));
            System.arraycopy(org.boltzmann4j.bg.tensor.Batches.toDoubles(r.x()), 0, x, first * dim, m * dim);
            for (int i = 0; i < m; i++) energies[first + i] = r.reducedEnergies()[i] * kT;
            System.arraycopy(r.logW(), 0, logW, first, m);
            System.arraycopy(r.flowLogW(), 0, flowLogW, first, m);
            evaluations += r.energyEvaluations();
            acceptance += Double.isNaN(r.meanAcceptance()) ? 0 : r.meanAcceptance() * m;
            progress.accept(first + m);
        }
        return new AisSamples(new Frames(n, atoms(), x), energies, logW, flowLogW, settings.intermediateDistributions() == 0 ? Double.NaN : acceptance / n,
                evaluations);
    }

    /** What {@link #annealedSamples} gives: configurations (nm), energies (kJ/mol), AIS log weights, the flow's log weights, mean HMC acceptance, energy evaluations. */
    public record AisSamples(Frames x, double[] energies, double[] logW, double[] flowLogW, double acceptance, long energyEvaluations) {}

    /** log q(x) of configurations (n, 3N, nm), in chunks. */
    public double[] logQ(Frames frames) {
        if (frames.atoms() != atoms()) throw new IllegalArgumentException(frames.atoms() + " atoms, the model has " + atoms());
        int dim = 3 * atoms(), n = frames.frames(), chunk = 4096;
        double[] out = new double[n];
        for (int first = 0; first < n; first += chunk) {
            int m = Math.min(chunk, n - first);
            INDArray x = org.nd4j.linalg.factory.Nd4j.createFromArray(java.util.Arrays.copyOfRange(frames.xyz(), first * dim, (first + m) * dim))
                    .reshape('c', m, dim);
            System.arraycopy(BoltzmannGenerator.logQ(built.base(), built.flow(), x).data().asDouble(), 0, out, first, m);
        }
        return out;
    }

    /** Writes model.json, system.xml and structure.pdb into {@code dir} (parameters.zip is the trainer's). */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT).put("version", VERSION).put("name", name).put("atoms", atoms()).put("temperature_k", temperatureK);
        ObjectNode arch = root.putObject("architecture");
        arch.put("coordinates", architecture.coordinates()).put("transformer", architecture.transformer())
                .put("couplings", architecture.couplings()).put("bins", architecture.bins())
                .put("spline_bound", architecture.splineBound()).put("seed", architecture.seed());
        ArrayNode hidden = arch.putArray("hidden");
        for (int h : architecture.hidden()) hidden.add(h);
        ObjectNode norm = root.putObject("normalization");
        array(norm.putArray("shift"), normalization.shift());
        array(norm.putArray("log_scale"), normalization.logScale());
        array(norm.putArray("torsion_centre"), normalization.torsionCentre());
        ArrayNode bounded = norm.putArray("bounded_torsions");
        boolean[] flags = normalization.bounded();
        for (int i = 0; i < flags.length; i++) if (flags[i]) bounded.add(i);
        if (zMatrix != null) {
            ObjectNode z = root.putObject("zmatrix");
            ArrayNode reference = z.putArray("reference");
            for (int r : zMatrix.referenceAtoms()) reference.add(r);
            ArrayNode rows = z.putArray("rows");
            for (int[] row : zMatrix.rows()) {
                ArrayNode a = rows.addArray();
                for (int v : row) a.add(v);
            }
        }
        root.set("training", training);
        AtomicFile.writeString(dir.resolve(SYSTEM), systemXml);
        Pdb.write(dir.resolve(STRUCTURE), topology, Frames.single(structure));
        AtomicFile.writeString(dir.resolve(MANIFEST), JSON.writeValueAsString(root) + "\n");
    }

    /** Loads a saved model with its trained parameters; every error names the file. */
    public static MolecularModel load(Path dir) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "no such model folder");
        if (!Files.isRegularFile(manifest)) throw new NoSuchFileException(manifest.toString(), null, "not a model folder (no " + MANIFEST + ")");
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(manifest, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MolecularFileException(manifest, "not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        if (!FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() != VERSION)
            throw new MolecularFileException(manifest, "not a " + FORMAT + " of version " + VERSION);
        MolecularModel model;
        try {
            JsonNode a = root.path("architecture");
            // Models written before RealNVP was selectable have no "transformer": they are spline
            // flows, the only kind there was, so reading them as such is exact, not a guess.
            String transformer = a.has("transformer") ? a.path("transformer").asText() : FlowArchitecture.SPLINE;
            FlowArchitecture architecture = new FlowArchitecture(a.path("coordinates").asText(), transformer, a.path("couplings").asInt(),
                    a.path("bins").asInt(), ints(a.path("hidden")), a.path("spline_bound").asDouble(), a.path("seed").asLong());
            JsonNode n = root.path("normalization");
            double[] shift = doubles(n.path("shift"));
            boolean[] bounded = new boolean[shift.length];
            for (int i : ints(n.path("bounded_torsions"))) {
                if (i < 0 || i >= shift.length) throw new MolecularFileException(manifest, "bounded torsion index " + i + " out of range");
                bounded[i] = true;
            }
            var normalization = new MolecularFlow.Normalization(shift, doubles(n.path("log_scale")), doubles(n.path("torsion_centre")), bounded);
            String xml = Files.readString(dir.resolve(SYSTEM), StandardCharsets.UTF_8);
            Pdb.Structure structure = Pdb.read(dir.resolve(STRUCTURE));
            int atoms = root.path("atoms").asInt();
            if (structure.topology().atomCount() != atoms)
                throw new MolecularFileException(dir.resolve(STRUCTURE), "has " + structure.topology().atomCount() + " atoms, model.json says " + atoms);
            ZMatrix zMatrix = null;
            if (architecture.coordinates().equals("internal")) {
                JsonNode z = root.path("zmatrix");
                int[][] rows = new int[z.path("rows").size()][];
                for (int i = 0; i < rows.length; i++) rows[i] = ints(z.path("rows").get(i));
                zMatrix = ZMatrix.of(atoms, ints(z.path("reference")), rows);
            }
            model = new MolecularModel(root.path("name").asText(), xml, structure.topology(), structure.frames().frame(0), zMatrix,
                    architecture, normalization, root.path("temperature_k").asDouble());
            if (root.path("training").isObject()) model.training = (ObjectNode) root.path("training");
        } catch (NoSuchFileException | MolecularFileException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new MolecularFileException(manifest, "inconsistent model (" + e.getMessage() + ")", e);
        }
        model.loadParameters(dir.resolve(PARAMETERS));
        return model;
    }

    /**
     * Copies the parameters saved in a parameter archive (a model folder's parameters.zip, or one
     * written by an earlier version, whose parameters.zip was its training checkpoint) into the
     * flow, by name and shape.
     */
    public void loadParameters(Path file) throws IOException {
        ParameterArchive.load(file, built.flow().namedParameters());
    }

    /**
     * Checks that a structure's topology is the model's (same atoms in the same order: element,
     * name and residue name), so that a model is never applied to another molecule.
     */
    public void requireSameTopology(Topology other, String source) {
        if (other.atomCount() != atoms())
            throw new IllegalArgumentException(source + ": " + other.atomCount() + " atoms, the model " + name + " was trained on " + atoms());
        List<Topology.Atom> mine = topology.atoms(), theirs = other.atoms();
        for (int i = 0; i < atoms(); i++) {
            Topology.Atom a = mine.get(i), b = theirs.get(i);
            if (!a.name().equals(b.name()) || !a.residueName().equals(b.residueName()) || !a.element().equals(b.element()))
                throw new IllegalArgumentException(source + ": atom " + i + " is " + b.residueName() + " " + b.name() + ", the model " + name
                        + " has " + a.residueName() + " " + a.name() + " there (another topology)");
        }
    }

    private static void array(ArrayNode node, double[] values) {
        for (double v : values) node.add(v);
    }

    private static double[] doubles(JsonNode node) {
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) out[i] = node.get(i).asDouble();
        return out;
    }

    private static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) out[i] = node.get(i).asInt();
        return out;
    }
}
