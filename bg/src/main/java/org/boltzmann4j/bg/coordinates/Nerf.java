package org.boltzmann4j.bg.coordinates;

import org.boltzmann4j.bg.tensor.Values;

/**
 * The arithmetic of the internal-coordinate transforms on row-major batches in the arrays' own
 * memory ({@link Values}), one sample at a time staged in small Java arrays:
 * Cartesian reconstruction by Natural Extension Reference Frame placement (Parsons et al., J.
 * Comput. Chem. 26, 1063 (2005)), its inverse, both log-determinants and hand-written reverse-mode
 * derivatives. Sequential over atoms, a plain loop over the batch: for molecules of tens of atoms
 * this is far faster than chains of small ND4J ops.
 *
 * <p>Layout of one internal-coordinate row (N atoms): bonds [0, N-1), angles [N-1, 2N-3),
 * torsions [2N-3, 3N-6) in {@link ZMatrix} order, then, with the rigid body, [3N-6, 3N): the
 * position of r0 (x, y, z), polar angle alpha and azimuth beta of the direction u from r0 to r1, and
 * spin gamma of r2 about u.
 *
 * <p>Rigid body: u = (sin a cos b, sin a sin b, cos a) with its spherical basis e_a = du/da =
 * (cos a cos b, cos a sin b, -sin a), e_b = (-sin b, cos b, 0); r1 = r0 + b1 u and r2 = r0 + b2
 * (cos t2 u + sin t2 (cos g e_a + sin g e_b)). The canonical frame (no rigid body) is a = pi/2, b =
 * 0, g = pi/2 with r0 at the origin, i.e. u = +x and r2 in the xy plane with y > 0, written with exact
 * zeros.
 *
 * <p>Jacobians. Ordering the Cartesian coordinates by placement, dx/d(ic) is block lower
 * triangular with one 3x3 block per atom, and each block is the Jacobian of spherical coordinates
 * (radius, polar angle, azimuth) in an orthonormal frame, |det| = radius^2 sin(polar):
 * <ul>
 *   <li>r0 from p: identity, det 1;
 *   <li>r1 from (b1, alpha, beta): b1^2 sin(alpha);
 *   <li>r2 from (b2, theta2, gamma), polar axis u: b2^2 sin(theta2);
 *   <li>each row atom from (b, theta, phi), polar axis x_k - x_j: b^2 sin(theta).
 * </ul>
 * So with the rigid body, log|det dx/d(ic)| = log(b1^2 sin alpha) + log(b2^2 sin theta2) +
 * sum_rows log(b^2 sin theta). Without it (the canonical frame) the log-det is the same at
 * sin alpha = 1: log(b1^2) + log(b2^2 sin theta2) + sum_rows log(b^2 sin theta). That is the
 * Jacobian of the 3N-6 free Cartesian coordinates of the canonical frame (r1.x = b1, det 1; (r2.x,
 * r2.y) = polar coordinates of radius b2 about r0, det b2; the row atoms) times the volume element
 * of the rigid rotations at that shape, b1^2 b2 sin theta2: the measure under which a shape's
 * density is exp(-U) with no further factor, since integrating exp(-U(x)) over all orientations of a
 * shape gives 8 pi^2 b1^2 b2 sin theta2 exp(-U).
 */
final class Nerf {

    final int atoms;
    final boolean rigid;
    final int dimension;
    final int angle0;
    final int torsion0;
    final int rigid0;
    private final int r0;
    private final int r1;
    private final int r2;
    private final int[] ri;
    private final int[] rj;
    private final int[] rk;
    private final int[] rl;

    Nerf(ZMatrix z, boolean rigid) {
        this.atoms = z.atomCount();
        this.rigid = rigid;
        this.angle0 = atoms - 1;
        this.torsion0 = 2 * atoms - 3;
        this.rigid0 = 3 * atoms - 6;
        this.dimension = rigid ? 3 * atoms : 3 * atoms - 6;
        int[] ref = z.referenceAtoms();
        r0 = ref[0];
        r1 = ref[1];
        r2 = ref[2];
        int[][] rows = z.rows();
        ri = new int[rows.length];
        rj = new int[rows.length];
        rk = new int[rows.length];
        rl = new int[rows.length];
        for (int t = 0; t < rows.length; t++) {
            ri[t] = rows[t][0];
            rj[t] = rows[t][1];
            rk[t] = rows[t][2];
            rl[t] = rows[t][3];
        }
    }

    /** Frame vectors u, e_a, e_b and (cos g, sin g) of one sample; canonical constants without rigid body. */
    private void frame(double[] ic, int o, double[] f) {
        if (!rigid) {
            f[0] = 1; f[1] = 0; f[2] = 0;
            f[3] = 0; f[4] = 0; f[5] = -1;
            f[6] = 0; f[7] = 1; f[8] = 0;
            f[9] = 0; f[10] = 1;
            return;
        }
        double a = ic[o + rigid0 + 3];
        double b = ic[o + rigid0 + 4];
        double g = ic[o + rigid0 + 5];
        double ca = Math.cos(a);
        double sa = Math.sin(a);
        double cb = Math.cos(b);
        double sb = Math.sin(b);
        f[0] = sa * cb; f[1] = sa * sb; f[2] = ca;
        f[3] = ca * cb; f[4] = ca * sb; f[5] = -sa;
        f[6] = -sb; f[7] = cb; f[8] = 0;
        f[9] = Math.cos(g); f[10] = Math.sin(g);
    }

    /** Places all atoms of n samples; returns log|det dx/d(ic)| per sample. */
    void forward(Values icAll, Values xAll, Values logDet, int n) {
        double[] f = new double[11];
        int d = dimension;
        int d3 = 3 * atoms;
        // one sample at a time in Java arrays the placement formulas index (o = xo = 0)
        double[] ic = new double[d];
        double[] x = new double[d3];
        for (int s = 0; s < n; s++) {
            icAll.get(s * d, ic, 0, d);
            int o = 0;
            int xo = 0;
            frame(ic, o, f);
            double px = rigid ? ic[o + rigid0] : 0;
            double py = rigid ? ic[o + rigid0 + 1] : 0;
            double pz = rigid ? ic[o + rigid0 + 2] : 0;
            double b1 = ic[o];
            double b2 = ic[o + 1];
            double t2 = ic[o + angle0];
            double ct = Math.cos(t2);
            double st = Math.sin(t2);
            double wx = f[9] * f[3] + f[10] * f[6];
            double wy = f[9] * f[4] + f[10] * f[7];
            double wz = f[9] * f[5] + f[10] * f[8];
            x[xo + 3 * r0] = px;
            x[xo + 3 * r0 + 1] = py;
            x[xo + 3 * r0 + 2] = pz;
            x[xo + 3 * r1] = px + b1 * f[0];
            x[xo + 3 * r1 + 1] = py + b1 * f[1];
            x[xo + 3 * r1 + 2] = pz + b1 * f[2];
            x[xo + 3 * r2] = px + b2 * (ct * f[0] + st * wx);
            x[xo + 3 * r2 + 1] = py + b2 * (ct * f[1] + st * wy);
            x[xo + 3 * r2 + 2] = pz + b2 * (ct * f[2] + st * wz);
            double ld = rigid
                    ? Math.log(b1 * b1 * Math.abs(Math.sin(ic[o + rigid0 + 3]))) + Math.log(b2 * b2 * Math.abs(st))
                    : Math.log(b1 * b1) + Math.log(b2 * b2 * Math.abs(st));
            for (int t = 0; t < ri.length; t++) {
                double b = ic[o + 2 + t];
                double th = ic[o + angle0 + 1 + t];
                double ph = ic[o + torsion0 + t];
                place(x, xo, ri[t], rj[t], rk[t], rl[t], b, th, ph);
                ld += Math.log(b * b * Math.abs(Math.sin(th)));
            }
            xAll.put(s * d3, x, 0, d3);
            logDet.set(s, ld);
        }
    }

    /**
     * NeRF: with A = x_l, B = x_k, C = x_j, bc = (C - B)/|C - B|, n = unit((B - A) x bc), m = n x bc,
     * x_i = C + b (-cos(theta) bc + sin(theta) cos(phi) m + sin(theta) sin(phi) n). This puts x_i at
     * distance b from C, at angle theta to B, and at dihedral phi (IUPAC sign) for i-j-k-l.
     */
    private static void place(double[] x, int xo, int i, int j, int k, int l, double b, double th, double ph) {
        int a = xo + 3 * l;
        int bb = xo + 3 * k;
        int c = xo + 3 * j;
        double sx = x[c] - x[bb];
        double sy = x[c + 1] - x[bb + 1];
        double sz = x[c + 2] - x[bb + 2];
        double sl = Math.sqrt(sx * sx + sy * sy + sz * sz);
        double bcx = sx / sl;
        double bcy = sy / sl;
        double bcz = sz / sl;
        double abx = x[bb] - x[a];
        double aby = x[bb + 1] - x[a + 1];
        double abz = x[bb + 2] - x[a + 2];
        double tx = aby * bcz - abz * bcy;
        double ty = abz * bcx - abx * bcz;
        double tz = abx * bcy - aby * bcx;
        double tl = Math.sqrt(tx * tx + ty * ty + tz * tz);
        double nx = tx / tl;
        double ny = ty / tl;
        double nz = tz / tl;
        double mx = ny * bcz - nz * bcy;
        double my = nz * bcx - nx * bcz;
        double mz = nx * bcy - ny * bcx;
        double d1 = -b * Math.cos(th);
        double st = b * Math.sin(th);
        double d2 = st * Math.cos(ph);
        double d3 = st * Math.sin(ph);
        int o = xo + 3 * i;
        x[o] = x[c] + d1 * bcx + d2 * mx + d3 * nx;
        x[o + 1] = x[c + 1] + d1 * bcy + d2 * my + d3 * ny;
        x[o + 2] = x[c + 2] + d1 * bcz + d2 * mz + d3 * nz;
    }

    /** Internal coordinates of n configurations; returns log|det d(ic)/dx| = -(forward log det). */
    void inverse(Values xAll, Values icAll, Values logDet, int n) {
        int d = dimension;
        int d3 = 3 * atoms;
        double[] ic = new double[d];
        double[] x = new double[d3];
        for (int s = 0; s < n; s++) {
            xAll.get(s * d3, x, 0, d3);
            int o = 0;
            int xo = 0;
            double b1 = distance(x, xo, r1, r0);
            double b2 = distance(x, xo, r2, r0);
            double t2 = angle(x, xo, r2, r0, r1);
            ic[o] = b1;
            ic[o + 1] = b2;
            ic[o + angle0] = t2;
            double ld;
            if (rigid) {
                int p = xo + 3 * r0;
                int q = xo + 3 * r1;
                int v = xo + 3 * r2;
                double ux = x[q] - x[p];
                double uy = x[q + 1] - x[p + 1];
                double uz = x[q + 2] - x[p + 2];
                double alpha = Math.atan2(Math.hypot(ux, uy), uz);
                double beta = wrap(Math.atan2(uy, ux));
                double ca = Math.cos(alpha);
                double sa = Math.sin(alpha);
                double cb = Math.cos(beta);
                double sb = Math.sin(beta);
                double vx = x[v] - x[p];
                double vy = x[v + 1] - x[p + 1];
                double vz = x[v + 2] - x[p + 2];
                double gx = vx * ca * cb + vy * ca * sb - vz * sa;
                double gy = -vx * sb + vy * cb;
                ic[o + rigid0] = x[p];
                ic[o + rigid0 + 1] = x[p + 1];
                ic[o + rigid0 + 2] = x[p + 2];
                ic[o + rigid0 + 3] = alpha;
                ic[o + rigid0 + 4] = beta;
                ic[o + rigid0 + 5] = wrap(Math.atan2(gy, gx));
                ld = Math.log(b1 * b1 * sa) + Math.log(b2 * b2 * Math.sin(t2));
            } else {
                ld = Math.log(b1 * b1) + Math.log(b2 * b2 * Math.sin(t2));
            }
            for (int t = 0; t < ri.length; t++) {
                double b = distance(x, xo, ri[t], rj[t]);
                double th = angle(x, xo, ri[t], rj[t], rk[t]);
                ic[o + 2 + t] = b;
                ic[o + angle0 + 1 + t] = th;
                ic[o + torsion0 + t] = dihedral(x, xo, ri[t], rj[t], rk[t], rl[t]);
                ld += Math.log(b * b * Math.sin(th));
            }
            icAll.put(s * d, ic, 0, d);
            logDet.set(s, -ld);
        }
    }

    /** Maps atan2's -pi to pi so that every angle lies in (-pi, pi]. */
    static double wrap(double angle) {
        return angle == -Math.PI ? Math.PI : angle;
    }

    static double distance(double[] x, int xo, int i, int j) {
        double dx = x[xo + 3 * i] - x[xo + 3 * j];
        double dy = x[xo + 3 * i + 1] - x[xo + 3 * j + 1];
        double dz = x[xo + 3 * i + 2] - x[xo + 3 * j + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** Angle i-j-k as atan2(|a x c|, a . c), accurate near 0 and pi where acos is not. */
    static double angle(double[] x, int xo, int i, int j, int k) {
        double ax = x[xo + 3 * i] - x[xo + 3 * j];
        double ay = x[xo + 3 * i + 1] - x[xo + 3 * j + 1];
        double az = x[xo + 3 * i + 2] - x[xo + 3 * j + 2];
        double cx = x[xo + 3 * k] - x[xo + 3 * j];
        double cy = x[xo + 3 * k + 1] - x[xo + 3 * j + 1];
        double cz = x[xo + 3 * k + 2] - x[xo + 3 * j + 2];
        double qx = ay * cz - az * cy;
        double qy = az * cx - ax * cz;
        double qz = ax * cy - ay * cx;
        return Math.atan2(Math.sqrt(qx * qx + qy * qy + qz * qz), ax * cx + ay * cy + az * cz);
    }

    /** Dihedral i-j-k-l of the frame at offset xo, in (-pi, pi] ({@link DihedralAngle}). */
    static double dihedral(double[] x, int xo, int i, int j, int k, int l) {
        return DihedralAngle.of(x, xo + 3 * i, xo + 3 * j, xo + 3 * k, xo + 3 * l);
    }

    /**
     * Reverse mode through {@link #forward}: given the internal coordinates, the positions they
     * produced, dL/dx and dL/d(logDet), returns dL/d(ic). The adjoint of each placement is taken in
     * reverse placement order, so the adjoint of an atom is complete before it is propagated to the
     * atoms it was placed from.
     */
    void forwardBackward(Values icAll, Values xAll, Values gradX, Values gradLogDet, Values gicAll, int n) {
        int d = dimension;
        int d3 = 3 * atoms;
        double[] ic = new double[d];
        double[] x = new double[d3];
        double[] gic = new double[d];
        double[] adj = new double[d3];
        double[] f = new double[11];
        for (int s = 0; s < n; s++) {
            icAll.get(s * d, ic, 0, d);
            xAll.get(s * d3, x, 0, d3);
            gradX.get(s * d3, adj, 0, d3);
            java.util.Arrays.fill(gic, 0.0);
            int o = 0;
            int xo = 0;
            double gl = gradLogDet.get(s);
            for (int t = ri.length - 1; t >= 0; t--) {
                double b = ic[o + 2 + t];
                double th = ic[o + angle0 + 1 + t];
                double ph = ic[o + torsion0 + t];
                placeBackward(x, xo, adj, ri[t], rj[t], rk[t], rl[t], b, th, ph, gic, o, 2 + t, angle0 + 1 + t,
                        torsion0 + t);
                // d/db log(b^2 sin th) = 2/b, d/dth = cot th
                gic[o + 2 + t] += gl * 2 / b;
                gic[o + angle0 + 1 + t] += gl * Math.cos(th) / Math.sin(th);
            }
            frame(ic, o, f);
            double b1 = ic[o];
            double b2 = ic[o + 1];
            double t2 = ic[o + angle0];
            double ct = Math.cos(t2);
            double st = Math.sin(t2);
            double cg = f[9];
            double sg = f[10];
            double wx = cg * f[3] + sg * f[6];
            double wy = cg * f[4] + sg * f[7];
            double wz = cg * f[5] + sg * f[8];
            int a0 = 3 * r0;
            int a1 = 3 * r1;
            int a2 = 3 * r2;
            double g2x = adj[a2];
            double g2y = adj[a2 + 1];
            double g2z = adj[a2 + 2];
            double g1x = adj[a1];
            double g1y = adj[a1 + 1];
            double g1z = adj[a1 + 2];
            // r2 = p + b2 (ct u + st w), r1 = p + b1 u, r0 = p
            double g2u = g2x * f[0] + g2y * f[1] + g2z * f[2];
            double g2w = g2x * wx + g2y * wy + g2z * wz;
            gic[o] += g1x * f[0] + g1y * f[1] + g1z * f[2] + gl * 2 / b1;
            gic[o + 1] += ct * g2u + st * g2w + gl * 2 / b2;
            gic[o + angle0] += b2 * (-st * g2u + ct * g2w) + gl * ct / st;
            if (rigid) {
                int p = o + rigid0;
                gic[p] += adj[a0] + g1x + g2x;
                gic[p + 1] += adj[a0 + 1] + g1y + g2y;
                gic[p + 2] += adj[a0 + 2] + g1z + g2z;
                double alpha = ic[p + 3];
                double beta = ic[p + 4];
                double ca = Math.cos(alpha);
                double sa = Math.sin(alpha);
                double cb = Math.cos(beta);
                double sb = Math.sin(beta);
                // adjoints of u, e_a, e_b
                double ux = b2 * ct * g2x + b1 * g1x;
                double uy = b2 * ct * g2y + b1 * g1y;
                double uz = b2 * ct * g2z + b1 * g1z;
                double ws = b2 * st;
                double eax = ws * cg * g2x;
                double eay = ws * cg * g2y;
                double eaz = ws * cg * g2z;
                double ebx = ws * sg * g2x;
                double eby = ws * sg * g2y;
                // du/da = e_a, de_a/da = -u, de_b/da = 0
                double ga = ux * f[3] + uy * f[4] + uz * f[5] - (eax * f[0] + eay * f[1] + eaz * f[2]);
                // du/db = sin a e_b, de_a/db = cos a e_b, de_b/db = (-cos b, -sin b, 0)
                double gb = sa * (ux * f[6] + uy * f[7]) + ca * (eax * f[6] + eay * f[7]) - ebx * cb - eby * sb;
                // dw/dg = -sin g e_a + cos g e_b
                double gg = ws * (g2x * (-sg * f[3] + cg * f[6]) + g2y * (-sg * f[4] + cg * f[7])
                        + g2z * (-sg * f[5] + cg * f[8]));
                gic[p + 3] += ga + gl * ca / sa;
                gic[p + 4] += gb;
                gic[p + 5] += gg;
            }
            gicAll.put(s * d, gic, 0, d);
        }
    }

    private static void placeBackward(double[] x, int xo, double[] adj, int i, int j, int k, int l, double b,
            double th, double ph, double[] gic, int o, int bondAt, int angleAt, int torsionAt) {
        int a = xo + 3 * l;
        int bb = xo + 3 * k;
        int c = xo + 3 * j;
        double sx = x[c] - x[bb];
        double sy = x[c + 1] - x[bb + 1];
        double sz = x[c + 2] - x[bb + 2];
        double sl = Math.sqrt(sx * sx + sy * sy + sz * sz);
        double bcx = sx / sl;
        double bcy = sy / sl;
        double bcz = sz / sl;
        double abx = x[bb] - x[a];
        double aby = x[bb + 1] - x[a + 1];
        double abz = x[bb + 2] - x[a + 2];
        double tx = aby * bcz - abz * bcy;
        double ty = abz * bcx - abx * bcz;
        double tz = abx * bcy - aby * bcx;
        double tl = Math.sqrt(tx * tx + ty * ty + tz * tz);
        double nx = tx / tl;
        double ny = ty / tl;
        double nz = tz / tl;
        double mx = ny * bcz - nz * bcy;
        double my = nz * bcx - nx * bcz;
        double mz = nx * bcy - ny * bcx;
        double cth = Math.cos(th);
        double sth = Math.sin(th);
        double cph = Math.cos(ph);
        double sph = Math.sin(ph);
        double d1 = -b * cth;
        double d2 = b * sth * cph;
        double d3 = b * sth * sph;

        int ai = 3 * i;
        double gx = adj[ai];
        double gy = adj[ai + 1];
        double gz = adj[ai + 2];
        double gd1 = gx * bcx + gy * bcy + gz * bcz;
        double gd2 = gx * mx + gy * my + gz * mz;
        double gd3 = gx * nx + gy * ny + gz * nz;
        gic[o + bondAt] += -cth * gd1 + sth * cph * gd2 + sth * sph * gd3;
        gic[o + angleAt] += b * (sth * gd1 + cth * cph * gd2 + cth * sph * gd3);
        gic[o + torsionAt] += b * sth * (-sph * gd2 + cph * gd3);

        // x_i = C + d1 bc + d2 m + d3 n
        double gbcx = d1 * gx;
        double gbcy = d1 * gy;
        double gbcz = d1 * gz;
        double gmx = d2 * gx;
        double gmy = d2 * gy;
        double gmz = d2 * gz;
        double gnx = d3 * gx;
        double gny = d3 * gy;
        double gnz = d3 * gz;
        // m = n x bc: adj(n) += bc x adj(m), adj(bc) += adj(m) x n
        gnx += bcy * gmz - bcz * gmy;
        gny += bcz * gmx - bcx * gmz;
        gnz += bcx * gmy - bcy * gmx;
        gbcx += gmy * nz - gmz * ny;
        gbcy += gmz * nx - gmx * nz;
        gbcz += gmx * ny - gmy * nx;
        // n = t / |t|: adj(t) = (adj(n) - (adj(n) . n) n) / |t|
        double pn = gnx * nx + gny * ny + gnz * nz;
        double gtx = (gnx - pn * nx) / tl;
        double gty = (gny - pn * ny) / tl;
        double gtz = (gnz - pn * nz) / tl;
        // t = ab x bc: adj(ab) = bc x adj(t), adj(bc) += adj(t) x ab
        double gabx = bcy * gtz - bcz * gty;
        double gaby = bcz * gtx - bcx * gtz;
        double gabz = bcx * gty - bcy * gtx;
        gbcx += gty * abz - gtz * aby;
        gbcy += gtz * abx - gtx * abz;
        gbcz += gtx * aby - gty * abx;
        // bc = s / |s|
        double pb = gbcx * bcx + gbcy * bcy + gbcz * bcz;
        double gsx = (gbcx - pb * bcx) / sl;
        double gsy = (gbcy - pb * bcy) / sl;
        double gsz = (gbcz - pb * bcz) / sl;
        int aj = 3 * j;
        int ak = 3 * k;
        int al = 3 * l;
        // s = C - B, ab = B - A, and x_i depends on C directly
        adj[aj] += gx + gsx;
        adj[aj + 1] += gy + gsy;
        adj[aj + 2] += gz + gsz;
        adj[ak] += gabx - gsx;
        adj[ak + 1] += gaby - gsy;
        adj[ak + 2] += gabz - gsz;
        adj[al] -= gabx;
        adj[al + 1] -= gaby;
        adj[al + 2] -= gabz;
    }

    /**
     * Reverse mode through {@link #inverse}: given the configurations, their internal coordinates,
     * dL/d(ic) and dL/d(logDet), returns dL/dx. The log-det -sum log(b^2 sin theta) (...) is a function
     * of bonds and angles, so its adjoint is folded into theirs first; then every coordinate's
     * gradient with respect to its atoms is applied.
     */
    void inverseBackward(Values xAll, Values icAll, Values gradIc, Values gradLogDet, Values gxAll, int n) {
        int d = dimension;
        int d3 = 3 * atoms;
        double[] x = new double[d3];
        double[] ic = new double[d];
        double[] gx = new double[d3];
        double[] h = new double[d];
        for (int s = 0; s < n; s++) {
            xAll.get(s * d3, x, 0, d3);
            icAll.get(s * d, ic, 0, d);
            gradIc.get(s * d, h, 0, d);
            java.util.Arrays.fill(gx, 0.0);
            int o = 0;
            int xo = 0;
            double gl = gradLogDet.get(s);
            h[0] -= gl * 2 / ic[o];
            h[1] -= gl * 2 / ic[o + 1];
            h[angle0] -= gl / Math.tan(ic[o + angle0]);
            if (rigid) {
                h[rigid0 + 3] -= gl / Math.tan(ic[o + rigid0 + 3]);
            }
            for (int t = 0; t < ri.length; t++) {
                h[2 + t] -= gl * 2 / ic[o + 2 + t];
                h[angle0 + 1 + t] -= gl / Math.tan(ic[o + angle0 + 1 + t]);
            }
            distanceGradient(x, xo, r1, r0, h[0], gx);
            distanceGradient(x, xo, r2, r0, h[1], gx);
            angleGradient(x, xo, r2, r0, r1, h[angle0], gx);
            for (int t = 0; t < ri.length; t++) {
                distanceGradient(x, xo, ri[t], rj[t], h[2 + t], gx);
                angleGradient(x, xo, ri[t], rj[t], rk[t], h[angle0 + 1 + t], gx);
                dihedralGradient(x, xo, ri[t], rj[t], rk[t], rl[t], h[torsion0 + t], gx);
            }
            if (rigid) {
                rigidGradient(x, xo, h, gx);
            }
            gxAll.put(s * d3, gx, 0, d3);
        }
    }

    private void rigidGradient(double[] x, int xo, double[] h, double[] gx) {
        int p = xo + 3 * r0;
        int q = xo + 3 * r1;
        int v = xo + 3 * r2;
        gx[p] += h[rigid0];
        gx[p + 1] += h[rigid0 + 1];
        gx[p + 2] += h[rigid0 + 2];
        double sx = x[q] - x[p];
        double sy = x[q + 1] - x[p + 1];
        double sz = x[q + 2] - x[p + 2];
        double rho2 = sx * sx + sy * sy;
        double rho = Math.sqrt(rho2);
        double ss = rho2 + sz * sz;
        double alpha = Math.atan2(rho, sz);
        double beta = Math.atan2(sy, sx);
        double ca = Math.cos(alpha);
        double sa = Math.sin(alpha);
        double cb = Math.cos(beta);
        double sb = Math.sin(beta);
        double vx = x[v] - x[p];
        double vy = x[v + 1] - x[p + 1];
        double vz = x[v + 2] - x[p + 2];
        // gamma = atan2(Y, X), X = v . e_a, Y = v . e_b
        double eax = ca * cb;
        double eay = ca * sb;
        double eaz = -sa;
        double ebx = -sb;
        double eby = cb;
        double bigX = vx * eax + vy * eay + vz * eaz;
        double bigY = vx * ebx + vy * eby;
        double q2 = bigX * bigX + bigY * bigY;
        double hg = h[rigid0 + 5];
        double vu = vx * sa * cb + vy * sa * sb + vz * ca;
        // de_a/da = -u, de_b/da = 0; de_a/db = cos a e_b, de_b/db = (-cos b, -sin b, 0)
        double dgda = bigY * vu / q2;
        double dgdb = (bigX * (-vx * cb - vy * sb) - bigY * ca * bigY) / q2;
        double ha = h[rigid0 + 3] + hg * dgda;
        double hb = h[rigid0 + 4] + hg * dgdb;
        // alpha = atan2(rho, sz), beta = atan2(sy, sx)
        double gsx = ha * sz * sx / (rho * ss) - hb * sy / rho2;
        double gsy = ha * sz * sy / (rho * ss) + hb * sx / rho2;
        double gsz = -ha * rho / ss;
        double gvx = hg * (bigX * ebx - bigY * eax) / q2;
        double gvy = hg * (bigX * eby - bigY * eay) / q2;
        double gvz = hg * (-bigY * eaz) / q2;
        gx[q] += gsx;
        gx[q + 1] += gsy;
        gx[q + 2] += gsz;
        gx[v] += gvx;
        gx[v + 1] += gvy;
        gx[v + 2] += gvz;
        gx[p] -= gsx + gvx;
        gx[p + 1] -= gsy + gvy;
        gx[p + 2] -= gsz + gvz;
    }

    private static void distanceGradient(double[] x, int xo, int i, int j, double h, double[] gx) {
        if (h == 0) {
            return;
        }
        int a = xo + 3 * i;
        int b = xo + 3 * j;
        double dx = x[a] - x[b];
        double dy = x[a + 1] - x[b + 1];
        double dz = x[a + 2] - x[b + 2];
        double r = Math.sqrt(dx * dx + dy * dy + dz * dz);
        double c = h / r;
        gx[a] += c * dx;
        gx[a + 1] += c * dy;
        gx[a + 2] += c * dz;
        gx[b] -= c * dx;
        gx[b + 1] -= c * dy;
        gx[b + 2] -= c * dz;
    }

    /** d theta / d a = (cos theta a^ - c^) / (|a| sin theta) for theta the angle between a and c. */
    private static void angleGradient(double[] x, int xo, int i, int j, int k, double h, double[] gx) {
        if (h == 0) {
            return;
        }
        int pi = xo + 3 * i;
        int pj = xo + 3 * j;
        int pk = xo + 3 * k;
        double ax = x[pi] - x[pj];
        double ay = x[pi + 1] - x[pj + 1];
        double az = x[pi + 2] - x[pj + 2];
        double cx = x[pk] - x[pj];
        double cy = x[pk + 1] - x[pj + 1];
        double cz = x[pk + 2] - x[pj + 2];
        double la = Math.sqrt(ax * ax + ay * ay + az * az);
        double lc = Math.sqrt(cx * cx + cy * cy + cz * cz);
        ax /= la;
        ay /= la;
        az /= la;
        cx /= lc;
        cy /= lc;
        cz /= lc;
        double cos = ax * cx + ay * cy + az * cz;
        double qx = ay * cz - az * cy;
        double qy = az * cx - ax * cz;
        double qz = ax * cy - ay * cx;
        double sin = Math.sqrt(qx * qx + qy * qy + qz * qz);
        double fa = h / (la * sin);
        double fc = h / (lc * sin);
        double gax = fa * (cos * ax - cx);
        double gay = fa * (cos * ay - cy);
        double gaz = fa * (cos * az - cz);
        double gcx = fc * (cos * cx - ax);
        double gcy = fc * (cos * cy - ay);
        double gcz = fc * (cos * cz - az);
        gx[pi] += gax;
        gx[pi + 1] += gay;
        gx[pi + 2] += gaz;
        gx[pk] += gcx;
        gx[pk + 1] += gcy;
        gx[pk + 2] += gcz;
        gx[pj] -= gax + gcx;
        gx[pj + 1] -= gay + gcy;
        gx[pj + 2] -= gaz + gcz;
    }

    /**
     * Gradient of the dihedral i-j-k-l (Blondel and Karplus, J. Comput. Chem. 17, 1132 (1996)): with
     * F = x_i - x_j, G = x_j - x_k, H = x_l - x_k, A = F x G, B = H x G, d phi/dx_i = -|G| A / A^2,
     * d phi/dx_l = |G| B / B^2, and x_j, x_k take the remainder so that the gradient sums to zero and
     * has no torque.
     */
    private static void dihedralGradient(double[] x, int xo, int i, int j, int k, int l, double h, double[] gx) {
        if (h == 0) {
            return;
        }
        int pi = xo + 3 * i;
        int pj = xo + 3 * j;
        int pk = xo + 3 * k;
        int pl = xo + 3 * l;
        double fx = x[pi] - x[pj];
        double fy = x[pi + 1] - x[pj + 1];
        double fz = x[pi + 2] - x[pj + 2];
        double gx0 = x[pj] - x[pk];
        double gy0 = x[pj + 1] - x[pk + 1];
        double gz0 = x[pj + 2] - x[pk + 2];
        double hx = x[pl] - x[pk];
        double hy = x[pl + 1] - x[pk + 1];
        double hz = x[pl + 2] - x[pk + 2];
        double ax = fy * gz0 - fz * gy0;
        double ay = fz * gx0 - fx * gz0;
        double az = fx * gy0 - fy * gx0;
        double bx = hy * gz0 - hz * gy0;
        double by = hz * gx0 - hx * gz0;
        double bz = hx * gy0 - hy * gx0;
        double a2 = ax * ax + ay * ay + az * az;
        double b2 = bx * bx + by * by + bz * bz;
        double lg = Math.sqrt(gx0 * gx0 + gy0 * gy0 + gz0 * gz0);
        double fg = fx * gx0 + fy * gy0 + fz * gz0;
        double hgd = hx * gx0 + hy * gy0 + hz * gz0;
        double ci = -h * lg / a2;
        double cl = h * lg / b2;
        double cja = h * fg / (a2 * lg);
        double cjb = h * hgd / (b2 * lg);
        // d/dx_j = -d/dx_i + (F.G)/(A^2 |G|) A - (H.G)/(B^2 |G|) B
        double gjx = -ci * ax + cja * ax - cjb * bx;
        double gjy = -ci * ay + cja * ay - cjb * by;
        double gjz = -ci * az + cja * az - cjb * bz;
        gx[pi] += ci * ax;
        gx[pi + 1] += ci * ay;
        gx[pi + 2] += ci * az;
        gx[pl] += cl * bx;
        gx[pl + 1] += cl * by;
        gx[pl + 2] += cl * bz;
        gx[pj] += gjx;
        gx[pj + 1] += gjy;
        gx[pj + 2] += gjz;
        gx[pk] -= ci * ax + cl * bx + gjx;
        gx[pk + 1] -= ci * ay + cl * by + gjy;
        gx[pk + 2] -= ci * az + cl * bz + gjz;
    }
}
