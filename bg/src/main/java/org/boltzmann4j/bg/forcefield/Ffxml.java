package org.boltzmann4j.bg.forcefield;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * One ffxml file as written, before the files of a force field are combined: atom types,
 * residue templates, and each force's definitions with their atom specifiers still as names
 * (a definition may name a class that another file defines; OpenMM resolves them only after it
 * has read every file's atom types, and so does {@link ForceField}).
 */
record Ffxml(Path path, List<String> includes, List<AtomType> atomTypes, List<ResidueTemplate> templates,
             List<String> forceOrder, List<BondDef> bonds, List<AngleDef> angles, List<TorsionDef> torsions,
             List<NonbondedDef> nonbonded, List<ParamsDef> gbsaObc, List<ScriptModel> scripts) {

    /** How one atom of a definition is specified: by type, by class, or (both absent) not at all. */
    enum RefKind { TYPE, CLASS, NONE }

    /** One atom specifier; an empty type or class is OpenMM's wildcard. */
    record Ref(RefKind kind, String value) {}

    record BondDef(Ref[] atoms, double lengthNm, double k) {}

    record AngleDef(Ref[] atoms, double angleRad, double k) {}

    /** A Proper or Improper entry; {@code ordering} is the PeriodicTorsionForce's (default, amber, ...). */
    record TorsionDef(Ref[] atoms, int[] periodicity, double[] phaseRad, double[] k, boolean improper,
                      String ordering) {}

    /** Per-type parameters of a nonbonded-style force ({@code <Atom type=... charge=... />}). */
    record ParamsDef(Ref atom, Map<String, Double> values, List<String> fromResidue) {}

    record NonbondedDef(double coulomb14Scale, double lj14Scale, Boolean useDispersionCorrection,
                        List<ParamsDef> atoms) {}

    /**
     * The implicit-solvent scripts of OpenMM's implicit/*.xml: each builds one CustomGBForce model
     * of openmm.app.internal.customgbforces, with the ACE surface-area term or without.
     */
    record ScriptModel(GbModel model, boolean surfaceArea) {}

    enum GbModel { OBC1, OBC2, GBN2 }

    private static final Set<String> FORCE_TAGS = Set.of("HarmonicBondForce", "HarmonicAngleForce",
            "PeriodicTorsionForce", "NonbondedForce", "GBSAOBCForce");
    private static final Pattern GB_IMPORT =
            Pattern.compile("from\\s+openmm\\.app\\.internal\\.customgbforces\\s+import\\s+(\\w+)");

    /** Reads and checks one file; errors name the file and the element. */
    static Ffxml read(Path path) {
        Element root;
        try (InputStream in = Files.newInputStream(path)) {
            DocumentBuilder builder = builderFactory().newDocumentBuilder();
            builder.setErrorHandler(SILENT);
            root = builder.parse(in, path.toUri().toString()).getDocumentElement();
        } catch (SAXParseException e) {
            throw new ForceFieldException(path + ": not well-formed XML at line " + e.getLineNumber() + ": "
                    + e.getMessage());
        } catch (SAXException | ParserConfigurationException e) {
            throw new ForceFieldException(path + ": not well-formed XML: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ForceFieldException(path + ": cannot read: " + e.getMessage(), e);
        }
        return new Parser(path).parse(root);
    }

    /** Reports parse errors only through the exception (the default handler also prints them to stderr). */
    static final org.xml.sax.ErrorHandler SILENT = new org.xml.sax.ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private static DocumentBuilderFactory builderFactory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setExpandEntityReferences(false);
        return f;
    }

    private static final class Parser {
        private final Path path;
        private final List<String> includes = new ArrayList<>();
        private final List<AtomType> atomTypes = new ArrayList<>();
        private final List<ResidueTemplate> templates = new ArrayList<>();
        private final List<String> forceOrder = new ArrayList<>();
        private final List<BondDef> bonds = new ArrayList<>();
        private final List<AngleDef> angles = new ArrayList<>();
        private final List<TorsionDef> torsions = new ArrayList<>();
        private final List<NonbondedDef> nonbonded = new ArrayList<>();
        private final List<ParamsDef> gbsa = new ArrayList<>();
        private final List<ScriptModel> scripts = new ArrayList<>();

        Parser(Path path) {
            this.path = path;
        }

        Ffxml parse(Element root) {
            if (!root.getTagName().equals("ForceField")) {
                throw fail("root element is <" + root.getTagName() + ">, not <ForceField>");
            }
            for (Element child : children(root)) {
                String tag = child.getTagName();
                if (FORCE_TAGS.contains(tag) && !forceOrder.contains(tag)) {
                    forceOrder.add(tag);
                }
                switch (tag) {
                    case "Info" -> { } // provenance only
                    case "Include" -> includes.add(required(child, "file"));
                    case "AtomTypes" -> children(child, "Type").forEach(this::atomType);
                    case "Residues" -> children(child, "Residue").forEach(this::residue);
                    case "HarmonicBondForce" -> children(child, "Bond").forEach(b -> bonds.add(new BondDef(
                            refs(b, 2), number(b, "length"), number(b, "k"))));
                    case "HarmonicAngleForce" -> children(child, "Angle").forEach(a -> angles.add(new AngleDef(
                            refs(a, 3), number(a, "angle"), number(a, "k"))));
                    case "PeriodicTorsionForce" -> torsionForce(child);
                    case "NonbondedForce" -> nonbondedForce(child);
                    case "GBSAOBCForce" -> gbsa.addAll(atomParameters(child, List.of("charge", "radius", "scale")));
                    case "Script" -> scripts.add(script(child.getTextContent()));
                    default -> throw fail("<" + tag + "> is not supported (supported: AtomTypes, Residues, "
                            + "Include, HarmonicBondForce, HarmonicAngleForce, PeriodicTorsionForce, "
                            + "NonbondedForce, GBSAOBCForce, and the <Script> of OpenMM's implicit/obc1.xml, "
                            + "obc2.xml, gbn2.xml)");
                }
            }
            return new Ffxml(path, List.copyOf(includes), List.copyOf(atomTypes), List.copyOf(templates),
                    List.copyOf(forceOrder), List.copyOf(bonds), List.copyOf(angles), List.copyOf(torsions),
                    List.copyOf(nonbonded), List.copyOf(gbsa), List.copyOf(scripts));
        }

        private void atomType(Element e) {
            String element = e.hasAttribute("element") ? e.getAttribute("element") : "";
            atomTypes.add(new AtomType(required(e, "name"), required(e, "class"), element, number(e, "mass")));
        }

        private void residue(Element r) {
            String name = required(r, "name");
            int override = r.hasAttribute("override") ? (int) number(r, "override") : 0;
            List<ResidueTemplate.Atom> atoms = new ArrayList<>();
            Map<String, Integer> index = new HashMap<>();
            List<int[]> bondList = new ArrayList<>();
            List<Integer> external = new ArrayList<>();
            for (Element c : children(r)) {
                switch (c.getTagName()) {
                    case "Atom" -> {
                        String atomName = required(c, "name");
                        Map<String, Double> params = new LinkedHashMap<>();
                        NamedNodeMap attributes = c.getAttributes();
                        for (int i = 0; i < attributes.getLength(); i++) {
                            String key = attributes.item(i).getNodeName();
                            if (!key.equals("name") && !key.equals("type")) {
                                params.put(key, number(c, key));
                            }
                        }
                        if (index.put(atomName, atoms.size()) != null) {
                            throw fail("residue " + name + " has two atoms named " + atomName);
                        }
                        atoms.add(new ResidueTemplate.Atom(atomName, required(c, "type"), params));
                    }
                    case "Bond" -> bondList.add(c.hasAttribute("atomName1")
                            ? new int[] {atomIndex(index, name, c, "atomName1"), atomIndex(index, name, c, "atomName2")}
                            : new int[] {templateIndex(atoms, name, c, "from"), templateIndex(atoms, name, c, "to")});
                    case "ExternalBond" -> external.add(c.hasAttribute("atomName")
                            ? atomIndex(index, name, c, "atomName") : templateIndex(atoms, name, c, "from"));
                    case "VirtualSite" -> throw fail("residue " + name + ": <VirtualSite> is not supported");
                    case "AllowPatch" -> throw fail("residue " + name + ": <AllowPatch> (template patches) is not supported");
                    default -> throw fail("residue " + name + ": <" + c.getTagName() + "> is not supported");
                }
            }
            templates.add(new ResidueTemplate(name, atoms, bondList, external, override));
        }

        private void torsionForce(Element force) {
            String ordering = force.hasAttribute("ordering") ? force.getAttribute("ordering") : "default";
            if (!Set.of("default", "charmm", "amber", "smirnoff").contains(ordering)) {
                throw fail("<PeriodicTorsionForce ordering=\"" + ordering + "\">: unknown ordering");
            }
            if (ordering.equals("smirnoff")) {
                throw fail("<PeriodicTorsionForce ordering=\"smirnoff\"> is not supported");
            }
            // OpenMM reads all Proper entries before all Improper ones; the order matters for which wins.
            for (String tag : List.of("Proper", "Improper")) {
                for (Element t : children(force, tag)) {
                    List<Integer> n = new ArrayList<>();
                    List<Double> phase = new ArrayList<>();
                    List<Double> k = new ArrayList<>();
                    for (int i = 1; t.hasAttribute("phase" + i); i++) {
                        n.add((int) number(t, "periodicity" + i));
                        phase.add(number(t, "phase" + i));
                        k.add(number(t, "k" + i));
                    }
                    torsions.add(new TorsionDef(refs(t, 4), n.stream().mapToInt(Integer::intValue).toArray(),
                            phase.stream().mapToDouble(Double::doubleValue).toArray(),
                            k.stream().mapToDouble(Double::doubleValue).toArray(), tag.equals("Improper"), ordering));
                }
            }
            for (Element c : children(force)) {
                if (!c.getTagName().equals("Proper") && !c.getTagName().equals("Improper")) {
                    throw fail("<PeriodicTorsionForce>: <" + c.getTagName() + "> is not supported");
                }
            }
        }

        private void nonbondedForce(Element force) {
            Boolean dispersion = null;
            if (force.hasAttribute("useDispersionCorrection")) {
                String v = force.getAttribute("useDispersionCorrection").trim();
                dispersion = switch (v) {
                    case "True", "true", "1" -> true;
                    case "False", "false", "0" -> false;
                    default -> throw fail("<NonbondedForce useDispersionCorrection=\"" + v + "\">: not a boolean");
                };
            }
            nonbonded.add(new NonbondedDef(number(force, "coulomb14scale"), number(force, "lj14scale"), dispersion,
                    atomParameters(force, List.of("charge", "sigma", "epsilon"))));
        }

        /** The {@code <Atom>} entries of a per-type force, less the attributes taken from residues. */
        private List<ParamsDef> atomParameters(Element force, List<String> names) {
            List<String> fromResidue = new ArrayList<>();
            for (Element u : children(force, "UseAttributeFromResidue")) {
                String name = required(u, "name");
                if (!names.contains(name)) {
                    throw fail("<" + force.getTagName() + ">: <UseAttributeFromResidue name=\"" + name
                            + "\"> names no parameter of this force (" + String.join(", ", names) + ")");
                }
                fromResidue.add(name);
            }
            List<ParamsDef> result = new ArrayList<>();
            for (Element c : children(force)) {
                switch (c.getTagName()) {
                    case "UseAttributeFromResidue" -> { }
                    case "Atom" -> {
                        Map<String, Double> values = new LinkedHashMap<>();
                        for (String name : names) {
                            if (fromResidue.contains(name)) {
                                if (c.hasAttribute(name)) {
                                    throw fail("<" + force.getTagName() + ">: attribute " + name
                                            + " appears both in <Atom> and in <UseAttributeFromResidue>");
                                }
                            } else {
                                values.put(name, number(c, name));
                            }
                        }
                        result.add(new ParamsDef(refs(c, 1)[0], values, List.copyOf(fromResidue)));
                    }
                    default -> throw fail("<" + force.getTagName() + ">: <" + c.getTagName() + "> is not supported");
                }
            }
            return result;
        }

        private ScriptModel script(String text) {
            Matcher m = GB_IMPORT.matcher(text);
            if (!m.find()) {
                throw fail("<Script> is not supported (only the implicit-solvent scripts of OpenMM's "
                        + "implicit/obc1.xml, obc2.xml and gbn2.xml are)");
            }
            GbModel model = switch (m.group(1)) {
                case "GBSAOBC1Force" -> GbModel.OBC1;
                case "GBSAOBC2Force" -> GbModel.OBC2;
                case "GBSAGBn2Force" -> GbModel.GBN2;
                default -> throw fail("<Script> builds " + m.group(1)
                        + ", which is not supported (supported: GBSAOBC1Force, GBSAOBC2Force, GBSAGBn2Force)");
            };
            boolean surfaceArea = Pattern.compile("solventArgs\\s*=\\s*\\{\\s*'SA'\\s*:\\s*'ACE'\\s*}").matcher(text).find();
            return new ScriptModel(model, surfaceArea);
        }

        private Ref[] refs(Element e, int count) {
            Ref[] refs = new Ref[count];
            for (int i = 0; i < count; i++) {
                String suffix = count == 1 ? "" : String.valueOf(i + 1);
                boolean hasClass = e.hasAttribute("class" + suffix);
                boolean hasType = e.hasAttribute("type" + suffix);
                if (hasClass && hasType) {
                    throw fail("<" + e.getTagName() + "> gives both type" + suffix + " and class" + suffix);
                }
                refs[i] = hasClass ? new Ref(RefKind.CLASS, e.getAttribute("class" + suffix))
                        : hasType ? new Ref(RefKind.TYPE, e.getAttribute("type" + suffix)) : new Ref(RefKind.NONE, "");
            }
            return refs;
        }

        private int atomIndex(Map<String, Integer> index, String residue, Element e, String attribute) {
            String name = required(e, attribute);
            Integer i = index.get(name);
            if (i == null) {
                throw fail("residue " + residue + ": <" + e.getTagName() + "> names atom " + name
                        + ", which the residue does not have");
            }
            return i;
        }

        private int templateIndex(List<ResidueTemplate.Atom> atoms, String residue, Element e, String attribute) {
            double v = number(e, attribute);
            if (v != Math.rint(v) || v < 0 || v >= atoms.size()) {
                throw fail("residue " + residue + ": <" + e.getTagName() + " " + attribute + "=\""
                        + e.getAttribute(attribute) + "\"> is not an atom index 0.." + (atoms.size() - 1));
            }
            return (int) v;
        }

        private String required(Element e, String attribute) {
            if (!e.hasAttribute(attribute)) {
                throw fail("<" + e.getTagName() + "> lacks attribute " + attribute);
            }
            return e.getAttribute(attribute);
        }

        private double number(Element e, String attribute) {
            String text = required(e, attribute).trim();
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException x) {
                throw fail("<" + e.getTagName() + " " + attribute + "=\"" + text + "\">: not a number");
            }
        }

        private ForceFieldException fail(String problem) {
            return new ForceFieldException(path + ": " + problem);
        }
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
                out.add((Element) nodes.item(i));
            }
        }
        return out;
    }

    private static List<Element> children(Element parent, String tag) {
        return children(parent).stream().filter(e -> e.getTagName().equals(tag)).toList();
    }
}
