package dev.tpucost.sim.calibration;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.sim.SimCalibration;
import dev.tpucost.sim.Simulator;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

/**
 * Fits {@link SimCalibration} constants to measured runtimes.
 *
 * <p>The loss is the mean over groups (kernels) of the mean squared log ratio {@code ln(simulated /
 * measured)} over the group's runs, so that a kernel measured 61 times weighs as much as one measured
 * twice, plus a small pull ({@link #PRIOR_WEIGHT}) of each free constant towards its starting value in the
 * normalised coordinates, which keeps constants the data does not constrain where they were. Constants are
 * normalised to [0, 1] between {@link SimCalibration#LOWER} and {@link SimCalibration#UPPER}, on a log
 * scale where the range spans more than a decade, and minimised by BOBYQA (commons-math3; bounded,
 * derivative-free: the simulator is piecewise, so gradients do not help). Deterministic.
 *
 * <p>A measurement may include a fixed cost outside the kernel (the wall time of a call, dispatch
 * included): {@link #fit} can fit such an offset per measurement {@code source}, which is reported but never
 * becomes part of the chip's constants.
 */
public final class SimFitter {
  /** Weight of the pull of each free constant towards its start (normalised units). */
  public static final double PRIOR_WEIGHT = 1e-3;

  /** Largest offset (ns) a measurement source may add, e.g. the dispatch of a call. */
  public static final double MAX_OFFSET_NS = 1e6;

  /**
   * One measured run.
   *
   * @param group the kernel it belongs to (the unit of weighting and of leave-one-out)
   * @param source where the measurement comes from; runs of one source share an offset when offsets are fitted
   * @param kernel the kernel
   * @param tile its tile configuration
   * @param measuredNs the measured runtime
   */
  public record Sample(String group, String source, Kernel kernel, TileConfig tile, double measuredNs) {
    /** Checks the runtime. */
    public Sample {
      checkArgument(measuredNs > 0 && Double.isFinite(measuredNs), "measured runtime of %s must be positive, got %s",
          group, measuredNs);
    }
  }

  /**
   * What a fit found.
   *
   * @param calibration the fitted constants
   * @param offsetsNs per source, the fitted offset outside the kernel (empty unless offsets were fitted)
   * @param evaluations loss evaluations
   * @param loss the final loss (mean per-group squared log error plus the prior pull)
   * @param meanGroupMape mean over groups of the mean absolute percentage error, offsets included
   */
  public record Result(SimCalibration calibration, Map<String, Double> offsetsNs, int evaluations, double loss,
      double meanGroupMape) {}

  private final ChipSpec chip;
  private final List<Sample> samples;
  private final List<String> groups;
  private final List<String> sources;
  private final int[] groupOf;
  private final int[] sourceOf;
  private final Map<Kernel, TileSpace> spaces = new IdentityHashMap<>();

  private SimFitter(ChipSpec chip, List<Sample> samples) {
    checkArgument(!samples.isEmpty(), "no measured samples to fit the simulator to");
    this.chip = chip;
    this.samples = ImmutableList.copyOf(samples);
    this.groups = samples.stream().map(Sample::group).distinct().toList();
    this.sources = samples.stream().map(Sample::source).distinct().toList();
    this.groupOf = new int[samples.size()];
    this.sourceOf = new int[samples.size()];
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      groupOf[i] = groups.indexOf(s.group());
      sourceOf[i] = sources.indexOf(s.source());
      spaces.computeIfAbsent(s.kernel(), k -> TileSpace.of(k, chip));
    }
  }

  /** A fitter over {@code samples} of kernels run on {@code chip}. */
  public static SimFitter of(ChipSpec chip, List<Sample> samples) {
    return new SimFitter(chip, samples);
  }

  /** Number of samples. */
  public int size() {
    return samples.size();
  }

  /** The groups (kernels) in sample order. */
  public List<String> groups() {
    return groups;
  }

  /**
   * Fits the constants named in {@code free} ({@link SimCalibration#NAMES}), the others held at
   * {@code start}; with {@code fitOffsets}, also one offset per measurement source.
   */
  public Result fit(SimCalibration start, Set<String> free, boolean fitOffsets) {
    for (String f : free) {
      checkArgument(SimCalibration.NAMES.contains(f), "unknown simulator constant '%s'; known: %s", f, SimCalibration.NAMES);
    }
    List<Integer> freeIdx = new ArrayList<>();
    for (int i = 0; i < SimCalibration.NAMES.size(); i++) {
      if (free.contains(SimCalibration.NAMES.get(i))) {
        freeIdx.add(i);
      }
    }
    int nOff = fitOffsets ? sources.size() : 0;
    int n = freeIdx.size() + nOff;
    double[] base = start.values();
    double[] x0 = new double[n];
    for (int j = 0; j < freeIdx.size(); j++) {
      x0[j] = toUnit(freeIdx.get(j), base[freeIdx.get(j)]);
    }
    for (int j = 0; j < nOff; j++) {
      x0[freeIdx.size() + j] = 0;
    }
    int[] evaluations = {0};
    java.util.function.ToDoubleFunction<double[]> objective = x -> {
      evaluations[0]++;
      double[] v = base.clone();
      double pull = 0;
      for (int j = 0; j < freeIdx.size(); j++) {
        v[freeIdx.get(j)] = fromUnit(freeIdx.get(j), x[j]);
        pull += (x[j] - x0[j]) * (x[j] - x0[j]);
      }
      double[] off = new double[sources.size()];
      for (int j = 0; j < nOff; j++) {
        off[j] = x[freeIdx.size() + j] * MAX_OFFSET_NS;
      }
      return errors(SimCalibration.of(v), off)[0] + PRIOR_WEIGHT * pull;
    };
    double[] x = x0;
    double loss = objective.applyAsDouble(x0);
    if (n >= 2) {
      double[] lo = new double[n];
      double[] hi = new double[n];
      java.util.Arrays.fill(hi, 1);
      // Two rounds: the second restarts the trust region around the first's optimum.
      for (int round = 0; round < 2; round++) {
        BOBYQAOptimizer opt = new BOBYQAOptimizer(2 * n + 1, 0.15, 1e-6);
        PointValuePair p = opt.optimize(new MaxEval(20_000), new ObjectiveFunction(objective::applyAsDouble),
            GoalType.MINIMIZE, new InitialGuess(x), new SimpleBounds(lo, hi));
        if (p.getValue() <= loss) {
          x = p.getPoint();
          loss = p.getValue();
        }
      }
    } else if (n == 1) {
      // Golden-section search on [0, 1] (BOBYQA needs two or more variables).
      double a = 0;
      double b = 1;
      double g = (Math.sqrt(5) - 1) / 2;
      for (int it = 0; it < 80; it++) {
        double c = b - g * (b - a);
        double d = a + g * (b - a);
        if (objective.applyAsDouble(new double[] {c}) < objective.applyAsDouble(new double[] {d})) {
          b = d;
        } else {
          a = c;
        }
      }
      double[] mid = {(a + b) / 2};
      double l = objective.applyAsDouble(mid);
      if (l <= loss) {
        x = mid;
        loss = l;
      }
    }
    double[] v = base.clone();
    for (int j = 0; j < freeIdx.size(); j++) {
      v[freeIdx.get(j)] = fromUnit(freeIdx.get(j), x[j]);
    }
    double[] off = new double[sources.size()];
    Map<String, Double> offsets = new LinkedHashMap<>();
    for (int j = 0; j < nOff; j++) {
      off[j] = x[freeIdx.size() + j] * MAX_OFFSET_NS;
      offsets.put(sources.get(j), off[j]);
    }
    SimCalibration fitted = SimCalibration.of(v);
    return new Result(fitted, offsets, evaluations[0], loss, errors(fitted, off)[1]);
  }

  /** Every constant. */
  public static Set<String> allConstants() {
    return ImmutableSet.copyOf(SimCalibration.NAMES);
  }

  /**
   * The constants fitted to measured kernels: all but {@code dma_run_overhead_bytes}, which stays at its prior
   * (1 KiB per run): of the measured TPU v3 kernels only one ({@code fusion.232}) has blocks that end inside a
   * native tile, so a fold that holds it out has nothing to fit it on, and a fit on the others sets it to zero.
   */
  public static final Set<String> MEASURED_FREE = SimCalibration.NAMES.stream()
      .filter(n -> !n.equals("dma_run_overhead_bytes")).collect(ImmutableSet.toImmutableSet());

  /**
   * {@code [loss, mean group MAPE]} of {@code cal} with per-source offsets {@code off}: per group the mean
   * squared log ratio and the MAPE, then averaged over groups.
   */
  private double[] errors(SimCalibration cal, double[] off) {
    Simulator sim = Simulator.of(chip, cal);
    double[] sq = new double[groups.size()];
    double[] ape = new double[groups.size()];
    int[] count = new int[groups.size()];
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      int g = groupOf[i];
      double predicted = sim.simulate(spaces.get(s.kernel()), s.tile()).nanoseconds() + off[sourceOf[i]];
      double r = Math.log(predicted / s.measuredNs());
      sq[g] += r * r;
      ape[g] += Math.abs(predicted - s.measuredNs()) / s.measuredNs();
      count[g]++;
    }
    double loss = 0;
    double mape = 0;
    for (int g = 0; g < sq.length; g++) {
      loss += sq[g] / count[g];
      mape += ape[g] / count[g];
    }
    return new double[] {loss / sq.length, mape / sq.length};
  }

  private static boolean logScale(int i) {
    return SimCalibration.LOWER[i] > 0 && SimCalibration.UPPER[i] / SimCalibration.LOWER[i] > 10;
  }

  private static double toUnit(int i, double v) {
    double lo = SimCalibration.LOWER[i];
    double hi = SimCalibration.UPPER[i];
    double u = logScale(i) ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo);
    return Math.min(1, Math.max(0, u));
  }

  private static double fromUnit(int i, double u) {
    double lo = SimCalibration.LOWER[i];
    double hi = SimCalibration.UPPER[i];
    double c = Math.min(1, Math.max(0, u));
    double v = logScale(i) ? lo * Math.exp(c * Math.log(hi / lo)) : lo + c * (hi - lo);
    return Math.min(hi, Math.max(lo, v));
  }
}
