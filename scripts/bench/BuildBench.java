// Java side of scripts/bench-build: milliseconds per dipeptide built and parameterised by the
// library in one JVM (PeptideBuilder.build: sequence -> structure + System XML, amber14-all +
// implicit/obc1, the TBG datasets' force field), one thread, after a warm-up on the first ten in
// the same JVM. Writes each structure to out_dir/NAME.pdb (not timed) for the Python side. Prints JSON.
//
// usage: java BuildBench.java out_dir count
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.boltzmann4j.bg.forcefield.ForceField;
import org.boltzmann4j.bg.forcefield.Solvent;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.peptide.BuildOptions;
import org.boltzmann4j.bg.peptide.ParameterizedPeptide;
import org.boltzmann4j.bg.peptide.PeptideBuilder;
import org.boltzmann4j.bg.peptide.Sequence;
import org.boltzmann4j.bg.peptide.Termini;

void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    String one = "ACDEFGHIKLMNPQRSTVWY";
    List<String> names = new ArrayList<>();
    for (char a : one.toCharArray()) for (char b : one.toCharArray()) names.add("" + a + b);
    names = names.subList(0, count);
    ForceField ff = ForceField.load(List.of("amber14-all.xml"));
    ForceField.Options options = ForceField.Options.defaults().withSolvent(Solvent.OBC1).withRemoveCMMotion(false);
    for (String name : names.subList(0, Math.min(10, names.size()))) {
        PeptideBuilder.build(Sequence.parse(name, Termini.ZWITTERION), BuildOptions.defaults(), ff, options);
    }
    List<ParameterizedPeptide> built = new ArrayList<>();
    long chars = 0;
    long start = System.nanoTime();
    for (String name : names) {
        ParameterizedPeptide p = PeptideBuilder.build(Sequence.parse(name, Termini.ZWITTERION), BuildOptions.defaults(), ff, options);
        chars += p.system().systemXml().length();
        built.add(p);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    for (int i = 0; i < names.size(); i++) {
        Pdb.write(out.resolve(names.get(i) + ".pdb"), built.get(i).peptide().topology(), built.get(i).peptide().frames());
    }
    System.out.printf("{\"ms_per_peptide\": %.4f, \"peptides\": %d, \"xml_chars\": %d}%n", 1000 * seconds / names.size(), names.size(), chars);
}
