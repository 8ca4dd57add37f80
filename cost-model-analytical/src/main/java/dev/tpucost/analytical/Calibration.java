package dev.tpucost.analytical;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileQuantities;
import dev.tpucost.api.tile.TileSpace;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits the analytical model's constants to measured (here: simulated) runtimes by least squares in log
 * space (relative error), with Levenberg-Marquardt over the constants' logarithms (the overlap's logit),
 * each clamped to {@link Constants#LOWER}..{@link Constants#UPPER}. Collect samples with {@link #add},
 * then {@link #fit}. Deterministic; not thread-safe.
 */
public final class Calibration {
  /** A fitted set of constants and how well they fit the samples. */
  public record Result(Constants constants, int samples, int iterations, double logRmse, double mape) {}

  private final ChipSpec chip;
  private final Map<Kernel, TileSpace> spaces = new IdentityHashMap<>();
  private final List<TileQuantities> quantities = new ArrayList<>();
  private final List<Double> cycles = new ArrayList<>();

  /** A calibration for {@code chip}. */
  public Calibration(ChipSpec chip) {
    this.chip = chip;
  }

  /** Adds a measured runtime of {@code kernel} at {@code tile}. */
  public void add(Kernel kernel, TileConfig tile, double nanoseconds) {
    TileSpace s = spaces.computeIfAbsent(kernel, x -> TileSpace.of(x, chip));
    s.validate(tile);
    add(TileQuantities.of(s.profile(), s.effective(tile), chip), nanoseconds * chip.clockGhz());
  }

  void add(TileQuantities q, double measuredCycles) {
    quantities.add(q);
    cycles.add(measuredCycles);
  }

  /** Number of samples added. */
  public int size() {
    return quantities.size();
  }

  /** Fits from {@code start}. */
  public Result fit(Constants start) {
    int n = quantities.size();
    if (n == 0) {
      throw new IllegalStateException("no samples to calibrate on");
    }
    int m = Constants.NAMES.size();
    double[] logY = new double[n];
    for (int i = 0; i < n; i++) {
      logY[i] = Math.log(cycles.get(i));
    }
    double[] x = toX(start.values());
    double[] r = residuals(x, logY);
    double cost = dot(r, r);
    double lambda = 1e-3;
    int iter = 0;
    double[][] jac = new double[m][n];
    for (; iter < 200; iter++) {
      for (int j = 0; j < m; j++) {
        double h = 1e-5;
        double[] xh = x.clone();
        xh[j] += h;
        double[] rh = residuals(xh, logY);
        for (int i = 0; i < n; i++) {
          jac[j][i] = (rh[i] - r[i]) / h;
        }
      }
      double[][] jtj = new double[m][m];
      double[] jtr = new double[m];
      for (int a = 0; a < m; a++) {
        for (int b = a; b < m; b++) {
          jtj[a][b] = dot(jac[a], jac[b]);
          jtj[b][a] = jtj[a][b];
        }
        jtr[a] = dot(jac[a], r);
      }
      boolean improved = false;
      for (int attempt = 0; attempt < 12 && !improved; attempt++) {
        double[][] a = new double[m][m];
        for (int i = 0; i < m; i++) {
          a[i] = jtj[i].clone();
          a[i][i] += lambda * Math.max(jtj[i][i], 1e-12);
        }
        double[] step = solve(a, negate(jtr));
        double[] xn = x.clone();
        for (int i = 0; i < m; i++) {
          xn[i] += step[i];
        }
        xn = clamp(xn);
        double[] rn = residuals(xn, logY);
        double cn = dot(rn, rn);
        if (cn < cost) {
          double gain = (cost - cn) / cost;
          x = xn;
          r = rn;
          cost = cn;
          lambda = Math.max(lambda / 3, 1e-9);
          improved = true;
          if (gain < 1e-9) {
            iter = 1000;
          }
        } else {
          lambda *= 4;
        }
      }
      if (!improved) {
        break;
      }
    }
    double ape = 0;
    for (int i = 0; i < n; i++) {
      ape += Math.abs(Math.expm1(r[i]));
    }
    return new Result(Constants.of(start.chip(), fromX(x)), n, Math.min(iter, 200), Math.sqrt(cost / n), ape / n);
  }

  private double[] residuals(double[] x, double[] logY) {
    Constants c = Constants.of(chip.name(), fromX(x));
    double[] r = new double[logY.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.log(Math.max(1e-9, quantities.get(i).cycles(c.values()))) - logY[i];
    }
    return r;
  }

  private static final int OVERLAP = Constants.NAMES.indexOf("overlap");

  private static double[] toX(double[] v) {
    double[] x = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      x[i] = i == OVERLAP ? Math.log(v[i] / (1 - v[i])) : Math.log(v[i]);
    }
    return x;
  }

  private static double[] fromX(double[] x) {
    double[] v = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double raw = i == OVERLAP ? 1 / (1 + Math.exp(-x[i])) : Math.exp(x[i]);
      v[i] = Math.max(Constants.LOWER[i], Math.min(Constants.UPPER[i], raw));
    }
    return v;
  }

  private static double[] clamp(double[] x) {
    return toX(fromX(x));
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[] negate(double[] a) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = -a[i];
    }
    return out;
  }

  /** Gaussian elimination with partial pivoting; singular directions get a zero step. */
  private static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][];
    double[] v = b.clone();
    for (int i = 0; i < n; i++) {
      m[i] = a[i].clone();
    }
    for (int col = 0; col < n; col++) {
      int piv = col;
      for (int row = col + 1; row < n; row++) {
        if (Math.abs(m[row][col]) > Math.abs(m[piv][col])) {
          piv = row;
        }
      }
      double[] t = m[col];
      m[col] = m[piv];
      m[piv] = t;
      double tv = v[col];
      v[col] = v[piv];
      v[piv] = tv;
      if (Math.abs(m[col][col]) < 1e-300) {
        continue;
      }
      for (int row = col + 1; row < n; row++) {
        double f = m[row][col] / m[col][col];
        for (int k = col; k < n; k++) {
          m[row][k] -= f * m[col][k];
        }
        v[row] -= f * v[col];
      }
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = v[i];
      for (int k = i + 1; k < n; k++) {
        s -= m[i][k] * x[k];
      }
      x[i] = Math.abs(m[i][i]) < 1e-300 ? 0 : s / m[i][i];
    }
    return x;
  }
}
