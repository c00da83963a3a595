package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plots render headless to PNGs that read back, with gaps, several series and empty data. */
class PlotsTest {
    @TempDir Path dir;

    private static BufferedImage image(byte[] png) throws Exception {
        assertTrue(png.length > 1000, "PNG of " + png.length + " bytes");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(image, "not a PNG image");
        return image;
    }

    private static double[][] angles(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] phi = new double[n];
        double[] psi = new double[n];
        for (int s = 0; s < n; s++) {
            phi[s] = Math.IEEEremainder(-1.3 + 0.4 * random.nextGaussian(), 2 * Math.PI);
            psi[s] = Math.IEEEremainder(2.5 + 0.5 * random.nextGaussian(), 2 * Math.PI);
        }
        return new double[][] {phi, psi};
    }

    @Test
    void ramachandranWithEmptyCells() throws Exception {
        double[][] a = angles(2000, 1);
        Histogram2D h = Histogram2D.ofAngles(a[0], a[1], null, 72);
        BufferedImage image = image(Plots.ramachandran(h, "Ramachandran free energy, ALA2"));
        assertTrue(image.getWidth() >= 600 && image.getHeight() >= 500);
        // An empty corner cell (phi, psi near +180, +180) stays white; the populated region is coloured.
        assertEquals(0xFFFFFF, image.getRGB(90 + 478, 60 + 2) & 0xFFFFFF);
        Path png = dir.resolve("rama.png");
        Plots.write(png, Plots.ramachandran(Histogram2D.ofAngles(new double[] {0.1}, new double[] {0.1}, null, 10), "one sample"));
        assertNotNull(ImageIO.read(png.toFile()));
    }

    @Test
    void negligibleWeightsDoNotFlattenTheColourScale() throws Exception {
        // 4 x 4 cells: weight 1 in cell (0, 0), e^-4 in cell (1, 1), e^-500 in cell (2, 2)
        double c0 = -Math.PI + Math.PI / 4, c1 = c0 + Math.PI / 2, c2 = c1 + Math.PI / 2;
        Histogram2D h = Histogram2D.ofAngles(new double[] {c0, c1, c2}, new double[] {c0, c1, c2},
                new double[] {1, Math.exp(-4), Math.exp(-500)}, 4);
        BufferedImage image = image(Plots.ramachandran(h, "reweighted"));
        int cell = 480 / 4;
        int a = image.getRGB(90 + cell / 2, 60 + 480 - cell / 2) & 0xFFFFFF;
        int b = image.getRGB(90 + 3 * cell / 2, 60 + 480 - 3 * cell / 2) & 0xFFFFFF;
        int top = image.getRGB(90 + 5 * cell / 2, 60 + 480 - 5 * cell / 2) & 0xFFFFFF;
        // F = 0 and 4 kT: 4/15 of the scale apart, clearly different colours; 500 kT: the top colour
        int dr = ((a >> 16) & 255) - ((b >> 16) & 255), dg = ((a >> 8) & 255) - ((b >> 8) & 255), db = (a & 255) - (b & 255);
        assertTrue(Math.abs(dr) + Math.abs(dg) + Math.abs(db) > 60, Integer.toHexString(a) + " vs " + Integer.toHexString(b));
        assertEquals(Plots.colour(1).getRGB() & 0xFFFFFF, top);
    }

    @Test
    void profilesAndHistogramsOverlaySeveralSeries() throws Exception {
        double[][] md = angles(3000, 2);
        double[][] flow = angles(3000, 3);
        byte[] profile = Plots.freeEnergyProfile("Free energy along phi", "phi",
                List.of(Plots.Series.freeEnergyProfile("MD", FreeEnergyProfile.ofAngles(md[0], null, 72, 50, 1, 1)),
                        Plots.Series.freeEnergyProfile("flow", FreeEnergyProfile.ofAngles(flow[0], null, 72, 50, 1, 2))));
        assertEquals(800, image(profile).getWidth());
        SplittableRandom random = new SplittableRandom(4);
        double[] e1 = new double[1000];
        double[] e2 = new double[1000];
        for (int s = 0; s < e1.length; s++) {
            e1[s] = -60 + 8 * random.nextGaussian();
            e2[s] = -55 + 9 * random.nextGaussian();
        }
        Histogram h1 = Histogram.ofRange(e1, null, 40);
        Histogram h2 = Histogram.of(e2, null, 40, h1.lo(), h1.hi());
        image(Plots.histogram("Potential energy", "potential energy (kJ/mol)",
                List.of(Plots.Series.histogram("MD", h1), Plots.Series.histogram("flow", h2))));
        // All bins infinite (no sample inside): still a valid, empty plot.
        image(Plots.freeEnergyProfile("nothing", "phi", List.of(new Plots.Series("none", new double[] {0, 1},
                new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}))));
        assertThrows(IllegalArgumentException.class, () -> Plots.histogram("t", "x", List.of()));
    }

    @Test
    void histogramSeriesIsAStepCurveOfTheDensity() {
        Histogram h = Histogram.of(new double[] {0.5, 1.5, 1.5, 1.5}, null, 2, 0, 2);
        Plots.Series s = Plots.Series.histogram("h", h);
        assertArrayEquals(new double[] {0, 1, 1, 2}, s.x(), 0);
        assertArrayEquals(new double[] {0.25, 0.25, 0.75, 0.75}, s.y(), 0);
        Plots.Series f = Plots.Series.freeEnergyProfile("f", FreeEnergyProfile.ofAngles(new double[] {-3, 3}, null, 4, 10, 1, 1));
        assertArrayEquals(new double[] {-135, -45, 45, 135}, f.x(), 1e-12);
    }
}
