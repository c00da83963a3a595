package org.boltzmann4j.bg.tbg;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.cnf.ContinuousFlow;
import org.boltzmann4j.bg.cnf.Egnn;
import org.boltzmann4j.bg.cnf.MeanFreeNormal;
import org.boltzmann4j.bg.cnf.OdeSolver;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.ParameterArchive;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.Topology;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A TBG model folder:
 *
 * <ul>
 *   <li>{@code model.json}: format and version, the EGNN's architecture (node features F, width H, layers L), the
 *       conditioning vocabulary, the coordinate scale (x = scale * y, nm), the prior's sigma (scaled units), the
 *       path noise (nm), how the target peptides' Systems are built (force field, solvent, temperature), the exact
 *       list of training sequences, the training settings and the steps done;
 *   <li>{@code parameters.zip}: the EMA of the weights ({@link ParameterArchive}), which sampling and scoring use;
 *   <li>{@code checkpoint.a/.b}: the trainer's checkpoint (raw weights, EMA, Adam state), from which training
 *       resumes bit-identically;
 *   <li>{@code structure.pdb} and {@code system.xml}, only for a model of one molecule trained with its System:
 *       the peptide sampled when no other is named.
 * </ul>
 *
 * Every file is written atomically; model.json last, so a folder with model.json always has its parameters.
 */
public final class TbgModel {
    public static final String FORMAT = "boltzmann4j-tbg-model";
    public static final int VERSION = 1;
    public static final String MANIFEST = "model.json", PARAMETERS = "parameters.zip", STRUCTURE = "structure.pdb", SYSTEM = "system.xml";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What model.json holds. */
    public record Manifest(Egnn.Architecture architecture, AtomVocabulary vocabulary, double coordinateScaleNm, double priorSigma,
            double pathSigmaNm, PeptideSystemSettings system, List<String> trainingSequences, TbgSettings settings, long steps) {
        public Manifest {
            if (!(coordinateScaleNm > 0) || !Double.isFinite(coordinateScaleNm))
                throw new IllegalArgumentException("coordinate scale must be > 0 nm, got " + coordinateScaleNm);
            if (!(priorSigma > 0)) throw new IllegalArgumentException("prior sigma must be > 0, got " + priorSigma);
            trainingSequences = List.copyOf(trainingSequences);
        }

        public Manifest withSteps(long v) {
            return new Manifest(architecture, vocabulary, coordinateScaleNm, priorSigma, pathSigmaNm, system, trainingSequences, settings, v);
        }

        ObjectNode toJson() {
            ObjectNode root = JSON.createObjectNode();
            root.put("format", FORMAT).put("version", VERSION);
            root.putObject("architecture").put("network", "egnn").put("node_features", architecture.nodeFeatures())
                    .put("width", architecture.width()).put("layers", architecture.layers());
            root.set("vocabulary", vocabulary.toJson());
            root.put("coordinate_scale_nm", coordinateScaleNm).put("prior_sigma", priorSigma).put("path_sigma_nm", pathSigmaNm);
            root.set("system", system.toJson());
            ArrayNode seqs = root.putArray("training_sequences");
            trainingSequences.forEach(seqs::add);
            root.set("training", settings.toJson());
            root.put("steps", steps);
            return root;
        }

        static Manifest fromJson(JsonNode root, Path file) throws MolecularFileException {
            if (!FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() != VERSION)
                throw new MolecularFileException(file, "not a " + FORMAT + " of version " + VERSION);
            try {
                JsonNode a = root.path("architecture");
                List<String> seqs = new ArrayList<>();
                root.path("training_sequences").forEach(s -> seqs.add(s.asText()));
                AtomVocabulary vocabulary = AtomVocabulary.fromJson(root.path("vocabulary"));
                Egnn.Architecture architecture = new Egnn.Architecture(a.path("node_features").asInt(), a.path("width").asInt(), a.path("layers").asInt());
                return new Manifest(architecture, vocabulary, root.path("coordinate_scale_nm").asDouble(Double.NaN),
                        root.path("prior_sigma").asDouble(Double.NaN), root.path("path_sigma_nm").asDouble(Double.NaN),
                        PeptideSystemSettings.fromJson(root.path("system")), seqs, TbgSettings.fromJson(root.path("training")), root.path("steps").asLong());
            } catch (IllegalArgumentException e) {
                throw new MolecularFileException(file, e.getMessage(), e);
            }
        }
    }

    private final Manifest manifest;
    private final Egnn network;
    private final TargetPeptide molecule;

    private TbgModel(Manifest manifest, Egnn network, TargetPeptide molecule) {
        this.manifest = manifest;
        this.network = network;
        this.molecule = molecule;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** The network with the EMA weights. */
    public Egnn network() {
        return network;
    }

    /** The one molecule a single-molecule model was trained on, with its System; null for others. */
    public TargetPeptide molecule() {
        return molecule;
    }

    /** Node features of a peptide from the model's vocabulary; an atom outside it is an IllegalArgumentException naming it. */
    public INDArray features(Topology topology) {
        return manifest.vocabulary().features(topology);
    }

    /** The prior of N atoms: the mean-free normal of the model's sigma (scaled units). */
    public MeanFreeNormal prior(int atoms) {
        return new MeanFreeNormal(atoms, manifest.priorSigma());
    }

    /** The CNF of one peptide: prior (t = 0) to data (t = 1), x = scale * y, log-det on the 3N - 3 dimensional subspace. */
    public ContinuousFlow flow(Topology topology, OdeSolver solver) {
        return new ContinuousFlow(network.field(features(topology)), solver, manifest.coordinateScaleNm(), 3 * topology.atomCount() - 3);
    }

    /**
     * Writes model.json and parameters.zip (these weights: the EMA), and the molecule's structure.pdb and
     * system.xml when given, each atomically.
     */
    public static void write(Path dir, Manifest manifest, Map<String, INDArray> weights, TargetPeptide molecule) throws IOException {
        Files.createDirectories(dir);
        ObjectNode archiveManifest = JSON.createObjectNode().put("format", FORMAT + "-parameters").put("version", VERSION)
                .put("weights", "exponential moving average, decay " + manifest.settings().emaDecay()).put("steps", manifest.steps());
        ParameterArchive.write(dir.resolve(PARAMETERS), archiveManifest, weights);
        if (molecule != null) {
            org.boltzmann4j.bg.io.Pdb.write(dir.resolve(STRUCTURE), molecule.topology(), org.boltzmann4j.bg.io.Frames.single(molecule.reference()));
            AtomicFile.writeString(dir.resolve(SYSTEM), molecule.systemXml());
        }
        AtomicFile.writeString(dir.resolve(MANIFEST), JSON.writeValueAsString(manifest.toJson()) + "\n");
    }

    /** model.json alone (no network), e.g. to check a resume's settings; errors name the file. */
    public static Manifest readManifest(Path dir) throws IOException {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "no such model folder");
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "not a TBG model folder (no " + MANIFEST + ")");
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MolecularFileException(file, "not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        return Manifest.fromJson(root, file);
    }

    /** Loads a model folder: the network of its architecture with the EMA weights copied in by name and shape. */
    public static TbgModel load(Path dir) throws IOException {
        Manifest manifest = readManifest(dir);
        Egnn network = new Egnn(manifest.architecture(), manifest.settings().seed());
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : network.parameters()) byName.put(p.name(), p);
        ParameterArchive.load(dir.resolve(PARAMETERS), byName);
        TargetPeptide molecule = null;
        if (Files.isRegularFile(dir.resolve(STRUCTURE)) && Files.isRegularFile(dir.resolve(SYSTEM))) {
            var structure = org.boltzmann4j.bg.io.Pdb.read(dir.resolve(STRUCTURE));
            molecule = new TargetPeptide(manifest.trainingSequences().getFirst(), structure.topology(), structure.frames().frame(0),
                    Files.readString(dir.resolve(SYSTEM), StandardCharsets.UTF_8));
        }
        return new TbgModel(manifest, network, molecule);
    }
}
