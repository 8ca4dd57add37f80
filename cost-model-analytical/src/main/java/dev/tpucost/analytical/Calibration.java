package dev.tpucost.analytical;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileQuantities;
import dev.tpucost.api.tile.TileSpace;
import java.util.ArrayList;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresProblem;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.util.Pair;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits the analytical model's constants to measured (here: simulated) runtimes by least squares in log
 * space (relative error), with Levenberg-Marquardt (commons-math3) over the constants' logarithms (the
 * overlap's logit), each clamped to {@link Constants#LOWER}..{@link Constants#UPPER}. Collect samples with
 * {@link #add}, then {@link #fit}. Deterministic; not thread-safe. Needs commons-math3 on the class path:
 * an optional dependency of this module, so that an embedder who only predicts does not carry it.
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
    add(TileQuantities.of(s.profile(), s.effective(tile), chip, TileQuantities.CoreSplit.BUSIEST_CORE),
        nanoseconds * chip.clockGhz());
  }

  void add(TileQuantities q, double measuredCycles) {
    quantities.add(q);
    cycles.add(measuredCycles);
  }

  /** Number of samples added. */
  public int size() {
    return quantities.size();
  }

  /**
   * Fits from {@code start}: commons-math3's Levenberg-Marquardt over the residuals {@code ln(predicted) -
   * ln(measured)}, in the constants' logarithms (the overlap's logit), each step clamped to the bounds by
   * the problem's parameter validator; the Jacobian by forward differences.
   */
  public Result fit(Constants start) {
    int n = quantities.size();
    if (n == 0) {
      throw new IllegalStateException("no samples to calibrate on");
    }
    double[] logY = new double[n];
    for (int i = 0; i < n; i++) {
      logY[i] = Math.log(cycles.get(i));
    }
    MultivariateJacobianFunction model = point -> {
      double[] x = point.toArray();
      double[] r = residuals(x, logY);
      double[][] jac = new double[n][x.length];
      for (int j = 0; j < x.length; j++) {
        double h = 1e-5;
        double[] xh = x.clone();
        xh[j] += h;
        double[] rh = residuals(xh, logY);
        for (int i = 0; i < n; i++) {
          jac[i][j] = (rh[i] - r[i]) / h;
        }
      }
      return new Pair<>(new ArrayRealVector(r, false), new Array2DRowRealMatrix(jac, false));
    };
    LeastSquaresProblem problem = new LeastSquaresBuilder()
        .start(clamp(toX(start.values())))
        .model(model)
        .target(new double[n])
        .parameterValidator(p -> new ArrayRealVector(clamp(p.toArray()), false))
        .maxIterations(MAX_ITERATIONS)
        .maxEvaluations(10 * MAX_ITERATIONS)
        .build();
    LeastSquaresOptimizer.Optimum optimum;
    try {
      optimum = new LevenbergMarquardtOptimizer().optimize(problem);
    } catch (TooManyIterationsException | TooManyEvaluationsException e) {
      throw new IllegalStateException("the calibration did not converge in " + MAX_ITERATIONS + " iterations", e);
    }
    double[] x = clamp(optimum.getPoint().toArray());
    double[] r = residuals(x, logY);
    double cost = 0;
    double ape = 0;
    for (int i = 0; i < n; i++) {
      cost += r[i] * r[i];
      ape += Math.abs(Math.expm1(r[i]));
    }
    return new Result(Constants.of(start.chip(), fromX(x)), n, optimum.getIterations(), Math.sqrt(cost / n), ape / n);
  }

  private static final int MAX_ITERATIONS = 1000;

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
}
