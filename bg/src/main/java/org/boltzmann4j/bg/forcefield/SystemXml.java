package org.boltzmann4j.bg.forcefield;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes a System in the layout of OpenMM 7.7's XmlSerializer (System version 1, each force at
 * the version that release writes), which every OpenMM since then reads. Numbers are written as
 * the shortest decimal that parses back to the same double, so nothing is rounded on the way.
 */
final class SystemXml {

    /** One force: its opening attributes and its lines, collected until the System is written. */
    static final class Force {
        final String type;
        private final String attributes;
        private final String listTag;
        final List<String> lines = new ArrayList<>();
        private String before = "";
        private String after = "";

        Force(String type, String attributes, String listTag) {
            this.type = type;
            this.attributes = attributes;
            this.listTag = listTag;
        }

        void line(String s) {
            lines.add(s);
        }

        void write(StringBuilder out, int group) {
            out.append("\t\t<Force forceGroup=\"").append(group).append("\" name=\"").append(type).append("\" type=\"")
                    .append(type).append('"');
            if (!attributes.isEmpty()) {
                out.append(' ').append(attributes);
            }
            if (listTag == null) {
                out.append("/>\n");
                return;
            }
            out.append(">\n").append(before);
            out.append("\t\t\t<").append(listTag);
            if (lines.isEmpty()) {
                out.append("/>\n");
            } else {
                out.append(">\n");
                for (String l : lines) {
                    out.append("\t\t\t\t").append(l).append('\n');
                }
                out.append("\t\t\t</").append(listTag).append(">\n");
            }
            out.append(after).append("\t\t</Force>\n");
        }
    }

    private final List<Double> masses = new ArrayList<>();
    private final List<Force> forces = new ArrayList<>();
    private Force nonbonded;
    private String nonbondedHead;

    void particle(double massAmu) {
        masses.add(massAmu);
    }

    Force force(String type, String attributes, String listTag) {
        Force f = new Force(type, attributes, listTag);
        forces.add(f);
        return f;
    }

    void cmMotionRemover() {
        force("CMMotionRemover", "frequency=\"1\" version=\"1\"", null);
    }

    /** @param exceptions rows (p1, p2, chargeProd, sigma, epsilon) */
    void nonbonded(double[][] p, List<double[]> exceptions, int method, double cutoffNm, boolean dispersion) {
        nonbondedHead = "alpha=\"0\" cutoff=\"" + num(cutoffNm) + "\" dispersionCorrection=\"" + (dispersion ? 1 : 0)
                + "\" ewaldTolerance=\"0.0005\" exceptionsUsePeriodic=\"0\" includeDirectSpace=\"1\" ljAlpha=\"0\""
                + " ljnx=\"0\" ljny=\"0\" ljnz=\"0\" method=\"" + method + "\" nx=\"0\" ny=\"0\" nz=\"0\""
                + " recipForceGroup=\"-1\" rfDielectric=\"%RF%\" switchingDistance=\"-1\" useSwitchingFunction=\"0\""
                + " version=\"4\"";
        nonbonded = force("NonbondedForce", nonbondedHead.replace("%RF%", "78.3"), "Particles");
        nonbonded.before = "\t\t\t<GlobalParameters/>\n\t\t\t<ParticleOffsets/>\n\t\t\t<ExceptionOffsets/>\n";
        for (double[] q : p) {
            nonbonded.line("<Particle eps=\"" + num(q[2]) + "\" q=\"" + num(q[0]) + "\" sig=\"" + num(q[1]) + "\"/>");
        }
        StringBuilder ex = new StringBuilder();
        if (exceptions.isEmpty()) {
            ex.append("\t\t\t<Exceptions/>\n");
        } else {
            ex.append("\t\t\t<Exceptions>\n");
            for (double[] e : exceptions) {
                ex.append("\t\t\t\t<Exception eps=\"").append(num(e[4])).append("\" p1=\"").append((int) e[0])
                        .append("\" p2=\"").append((int) e[1]).append("\" q=\"").append(num(e[2])).append("\" sig=\"")
                        .append(num(e[3])).append("\"/>\n");
            }
            ex.append("\t\t\t</Exceptions>\n");
        }
        nonbonded.after = ex.toString();
    }

    /** The NonbondedForce's reaction-field dielectric (OpenMM's default 78.3 until implicit solvent sets 1). */
    void setReactionFieldDielectric(double value) {
        if (nonbonded != null) {
            int at = forces.indexOf(nonbonded);
            Force replaced = new Force("NonbondedForce", nonbondedHead.replace("%RF%", num(value)), "Particles");
            replaced.lines.addAll(nonbonded.lines);
            replaced.before = nonbonded.before;
            replaced.after = nonbonded.after;
            forces.set(at, replaced);
            nonbonded = replaced;
        }
    }

    /** A native GBSAOBCForce; rows of p are (charge, radius nm, scale). */
    void gbsaObc(double[][] p, int method, double cutoffNm, double solventDielectric, double soluteDielectric) {
        Force f = force("GBSAOBCForce", "cutoff=\"" + num(cutoffNm) + "\" method=\"" + method + "\" soluteDielectric=\""
                + num(soluteDielectric) + "\" solventDielectric=\"" + num(solventDielectric)
                + "\" surfaceAreaEnergy=\"2.25936\" version=\"2\"", "Particles");
        for (double[] q : p) {
            f.line("<Particle q=\"" + num(q[0]) + "\" r=\"" + num(q[1]) + "\" scale=\"" + num(q[2]) + "\"/>");
        }
    }

    /**
     * A CustomGBForce. {@code computed} and {@code terms} are (expression, type) pairs with OpenMM's
     * computation types (0 single particle, 2 particle pair without exclusions); {@code functions}
     * are Discrete2DFunctions (name, size, values).
     */
    void customGb(List<String> parameters, List<String[]> computed, List<String[]> terms, double[][] particles,
                  List<Object[]> functions, int method, double cutoffNm) {
        Force f = force("CustomGBForce", "cutoff=\"" + num(cutoffNm) + "\" method=\"" + method + "\" version=\"2\"",
                "Particles");
        StringBuilder b = new StringBuilder("\t\t\t<PerParticleParameters>\n");
        for (String p : parameters) {
            b.append("\t\t\t\t<Parameter name=\"").append(p).append("\"/>\n");
        }
        b.append("\t\t\t</PerParticleParameters>\n\t\t\t<GlobalParameters/>\n\t\t\t<EnergyParameterDerivatives/>\n");
        b.append("\t\t\t<ComputedValues>\n");
        for (String[] c : computed) {
            b.append("\t\t\t\t<Value expression=\"").append(c[1]).append("\" name=\"").append(c[0]).append("\" type=\"")
                    .append(c[2]).append("\"/>\n");
        }
        b.append("\t\t\t</ComputedValues>\n\t\t\t<EnergyTerms>\n");
        for (String[] t : terms) {
            b.append("\t\t\t\t<Term expression=\"").append(t[0]).append("\" type=\"").append(t[1]).append("\"/>\n");
        }
        b.append("\t\t\t</EnergyTerms>\n");
        f.before = b.toString();
        for (double[] q : particles) {
            StringBuilder l = new StringBuilder("<Particle");
            for (int i = 0; i < q.length; i++) {
                l.append(" param").append(i + 1).append("=\"").append(num(q[i])).append('"');
            }
            f.line(l.append("/>").toString());
        }
        StringBuilder a = new StringBuilder("\t\t\t<Exclusions/>\n");
        if (functions.isEmpty()) {
            a.append("\t\t\t<Functions/>\n");
        } else {
            a.append("\t\t\t<Functions>\n");
            for (Object[] fn : functions) {
                int size = (Integer) fn[1];
                a.append("\t\t\t\t<Function name=\"").append(fn[0]).append("\" type=\"Discrete2DFunction\" version=\"1\" xsize=\"")
                        .append(size).append("\" ysize=\"").append(size).append("\">\n\t\t\t\t\t<Values>\n");
                for (double v : (double[]) fn[2]) {
                    a.append("\t\t\t\t\t\t<Value v=\"").append(num(v)).append("\"/>\n");
                }
                a.append("\t\t\t\t\t</Values>\n\t\t\t\t</Function>\n");
            }
            a.append("\t\t\t</Functions>\n");
        }
        f.after = a.toString();
    }

    String toXml(boolean separateGroups) {
        if (separateGroups && forces.size() > 32) {
            throw new ForceFieldException("separate force groups: " + forces.size() + " forces, OpenMM allows 32 groups");
        }
        StringBuilder out = new StringBuilder(64 * 1024);
        out.append("<?xml version=\"1.0\" ?>\n<System openmmVersion=\"7.7\" type=\"System\" version=\"1\">\n");
        out.append("\t<PeriodicBoxVectors>\n\t\t<A x=\"2\" y=\"0\" z=\"0\"/>\n\t\t<B x=\"0\" y=\"2\" z=\"0\"/>\n")
                .append("\t\t<C x=\"0\" y=\"0\" z=\"2\"/>\n\t</PeriodicBoxVectors>\n\t<Particles>\n");
        for (double m : masses) {
            out.append("\t\t<Particle mass=\"").append(num(m)).append("\"/>\n");
        }
        out.append("\t</Particles>\n\t<Constraints/>\n\t<Forces>\n");
        for (int i = 0; i < forces.size(); i++) {
            forces.get(i).write(out, separateGroups ? i : 0);
        }
        out.append("\t</Forces>\n</System>\n");
        return out.toString();
    }

    /** The shortest decimal that reads back as {@code v} (Java's Double.toString digits). */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
