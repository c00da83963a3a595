package org.boltzmann4j.bg.forcefield;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/**
 * The alternative atom names of OpenMM's pdbNames.xml (in its data folder): the table OpenMM's
 * PDBFile uses to rename atoms on reading ({@code HH31} of ACE is {@code H1}, {@code HN} is
 * {@code H}). Force fields do not all use the canonical names (amber99sbildn's ACE has HH31..33),
 * so the matcher compares names through this table when a name is not in a template as written.
 * Without the file, names are compared as written.
 */
final class AtomNameAliases {

    private static final Map<Path, AtomNameAliases> LOADED = new ConcurrentHashMap<>();

    private final Map<String, Map<String, String>> byResidue;

    private AtomNameAliases(Map<String, Map<String, String>> byResidue) {
        this.byResidue = byResidue;
    }

    static AtomNameAliases in(Path dataFolder) {
        return LOADED.computeIfAbsent(dataFolder.toAbsolutePath().normalize(), AtomNameAliases::read);
    }

    /** The canonical name of an atom of a residue (as OpenMM's PDBFile would name it). */
    String canonical(String residue, String atom) {
        Map<String, String> m = byResidue.get(residue);
        return m == null ? atom : m.getOrDefault(atom, atom);
    }

    private static AtomNameAliases read(Path folder) {
        Path file = folder.resolve("pdbNames.xml");
        if (!Files.isRegularFile(file)) {
            return new AtomNameAliases(Map.of());
        }
        try (InputStream in = Files.newInputStream(file)) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            javax.xml.parsers.DocumentBuilder builder = f.newDocumentBuilder();
            builder.setErrorHandler(Ffxml.SILENT);
            Element root = builder.parse(in).getDocumentElement();
            NodeList residues = root.getElementsByTagName("Residue");
            Map<String, Map<String, String>> groups = new HashMap<>();
            for (String g : new String[] {"All", "Protein", "Nucleic"}) {
                groups.put(g, new HashMap<>());
            }
            for (int i = 0; i < residues.getLength(); i++) {
                Element r = (Element) residues.item(i);
                if (groups.containsKey(r.getAttribute("name"))) {
                    atoms(r, groups.get(r.getAttribute("name")));
                }
            }
            groups.get("Protein").putAll(withoutOverride(groups.get("All"), groups.get("Protein")));
            groups.get("Nucleic").putAll(withoutOverride(groups.get("All"), groups.get("Nucleic")));
            Map<String, Map<String, String>> byResidue = new HashMap<>();
            for (int i = 0; i < residues.getLength(); i++) {
                Element r = (Element) residues.item(i);
                String name = r.getAttribute("name");
                if (groups.containsKey(name)) {
                    continue;
                }
                String type = r.getAttribute("type");
                Map<String, String> atoms = new HashMap<>(groups.getOrDefault(type.isEmpty() ? "All" : type, groups.get("All")));
                atoms(r, atoms);
                byResidue.put(name, atoms);
            }
            return new AtomNameAliases(byResidue);
        } catch (IOException | javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new ForceFieldException(file + ": cannot read atom-name table: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> withoutOverride(Map<String, String> all, Map<String, String> group) {
        Map<String, String> out = new HashMap<>(all);
        out.keySet().removeAll(group.keySet());
        return out;
    }

    private static void atoms(Element residue, Map<String, String> into) {
        NodeList atoms = residue.getElementsByTagName("Atom");
        for (int i = 0; i < atoms.getLength(); i++) {
            Element a = (Element) atoms.item(i);
            String name = a.getAttribute("name");
            NamedNodeMap attributes = a.getAttributes();
            for (int k = 0; k < attributes.getLength(); k++) {
                into.put(attributes.item(k).getNodeValue(), name);
            }
        }
    }
}
