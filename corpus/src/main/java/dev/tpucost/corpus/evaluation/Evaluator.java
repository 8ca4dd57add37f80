package dev.tpucost.corpus.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.corpus.dataset.DatasetReader;
import dev.tpucost.corpus.dataset.KernelModules;
import dev.tpucost.corpus.dataset.Tiles;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.corpus.dataset.wire.TileSample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs cost models on the same samples of one part of a dataset split and reports, per model, overall and
 * per family:
 *
 * <ul>
 *   <li>tile task, per kernel then averaged: Kendall's tau over the configs the simulator ran, and top-1,
 *       top-5 and top-10 slowdown; per program, the paper's Tile-Size APE;
 *   <li>fusion task: absolute percentage error at the default tile (MAPE), Kendall's tau across kernels
 *       of the default-tile runtimes, and per program the error of the summed kernel runtimes.
 * </ul>
 *
 * Every model sees exactly the same samples: the configs the simulator ran without error. A config a model
 * rejects (NaN) ranks last and is never its top-1 choice unless it rejects them all.
 */
public final class Evaluator {
  /** Aggregated metrics of one model (on all kernels or one family). */
  public static final class Scores {
    double tau;
    double top1;
    double top5;
    double top10;
    int tileKernels;
    double ape;
    int fusionKernels;
    final List<double[]> fusionPairs = new ArrayList<>();
    /** Per program: runtime of the model's top-1 configs, best runtime, predicted and simulated default-tile totals. */
    final Map<String, double[]> programs = new TreeMap<>();
    final List<KernelResult> kernels = new ArrayList<>();
    double samplesApe;
    long samplesScored;
    final List<double[]> samplePairs = new ArrayList<>();
    long intervalSamples;
    long intervalHits;
    double intervalLogRatio;
    double intervalCoverageLevel = Double.NaN;

    /**
     * Share of the scored samples with an interval ({@link dev.tpucost.api.model.Interval}) whose true runtime lies
     * inside it: the interval's calibration, to hold against its nominal coverage ({@link #intervalLevel}); NaN if
     * the model gives no intervals.
     */
    public double intervalCoverage() {
      return intervalSamples == 0 ? Double.NaN : (double) intervalHits / intervalSamples;
    }

    /** The nominal coverage of the model's intervals (0.8 for 80%); NaN if it gives none. */
    public double intervalLevel() {
      return intervalCoverageLevel;
    }

    /** Samples that had an interval (a model may give none where it answers with the analytical estimate). */
    public long intervalSamples() {
      return intervalSamples;
    }

    /** Geometric mean of the intervals' {@code high / low}: how wide they are; NaN without intervals. */
    public double intervalWidth() {
      return intervalSamples == 0 ? Double.NaN : Math.exp(intervalLogRatio / intervalSamples);
    }

    /** Every scored (predicted, true) runtime pair in nanoseconds, every configuration of every kernel. */
    public List<double[]> samplePoints() {
      return java.util.Collections.unmodifiableList(samplePairs);
    }

    /** Per kernel, in dataset order: its configurations and how the model did on them. */
    public List<KernelResult> kernels() {
      return java.util.Collections.unmodifiableList(kernels);
    }

    /**
     * Runtime error over every configuration of a kernel (not only its default), averaged over kernels so that
     * a kernel with many configurations does not dominate.
     */
    public double runtimeMape() {
      return mean(kernels.stream().mapToDouble(KernelResult::runtimeMape).toArray());
    }

    /** Runtime error over every scored sample (configurations of every kernel pooled). */
    public double sampleMape() {
      return samplesScored == 0 ? Double.NaN : samplesApe / samplesScored;
    }

    /** Mean Kendall tau over the kernels with at least {@code minConfigs} configurations. */
    public double kendallTau(int minConfigs) {
      return mean(kernels.stream().filter(k -> k.configs() >= minConfigs && k.configs() >= 2)
          .mapToDouble(KernelResult::kendallTau).toArray());
    }

    /**
     * Mean top-1 slowdown of the default configuration (on measured data the compiler's choice without
     * autotuning): the baseline a model's top-1 must beat. Over the tile-task kernels that have a default.
     */
    public double defaultTop1Slowdown() {
      return mean(kernels.stream().filter(k -> k.configs() >= 2 && Double.isFinite(k.defaultTop1Slowdown()))
          .mapToDouble(KernelResult::defaultTop1Slowdown).toArray());
    }

    /** Mean Kendall tau of the tile task. */
    public double kendallTau() {
      return tileKernels == 0 ? Double.NaN : tau / tileKernels;
    }

    /** Mean top-1 slowdown. */
    public double top1Slowdown() {
      return tileKernels == 0 ? Double.NaN : top1 / tileKernels;
    }

    /** Mean top-5 slowdown. */
    public double top5Slowdown() {
      return tileKernels == 0 ? Double.NaN : top5 / tileKernels;
    }

    /** Mean top-10 slowdown. */
    public double top10Slowdown() {
      return tileKernels == 0 ? Double.NaN : top10 / tileKernels;
    }

    /** Kernels in the tile task (two or more configs the simulator ran). */
    public int tileKernels() {
      return tileKernels;
    }

    /** Fusion-task MAPE at the default tile. */
    public double fusionMape() {
      return fusionKernels == 0 ? Double.NaN : ape / fusionKernels;
    }

    /** Kendall tau across kernels of default-tile runtimes. */
    public double fusionKendallTau() {
      double[] p = new double[fusionPairs.size()];
      double[] a = new double[fusionPairs.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = fusionPairs.get(i)[0];
        a[i] = fusionPairs.get(i)[1];
      }
      return p.length < 2 ? Double.NaN : Metrics.kendallTau(p, a);
    }

    /** Kernels in the fusion task. */
    public int fusionKernels() {
      return fusionKernels;
    }

    /**
     * The paper's Tile-Size APE: per program, the simulated runtime of all its kernels at the configs the
     * model ranks first, against their best runtimes ({@code sum chosen / sum best - 1}), averaged over
     * programs. A program-level regret, not a per-kernel error.
     */
    public double tileApe() {
      return mean(programs.values().stream().filter(t -> t[1] > 0).mapToDouble(t -> t[0] / t[1] - 1).toArray());
    }

    /** Per program, the error of the summed default-tile predictions against the summed simulated runtimes, averaged. */
    public double programTotalApe() {
      return mean(programs.values().stream().filter(t -> t[3] > 0).mapToDouble(t -> Metrics.ape(t[2], t[3])).toArray());
    }

    /** Programs that contributed. */
    public int programCount() {
      return programs.size();
    }

    /** The fusion task's (predicted, simulated) default-tile runtimes in nanoseconds, one pair per kernel. */
    public List<double[]> fusionPoints() {
      return java.util.Collections.unmodifiableList(fusionPairs);
    }

    private static double mean(double[] v) {
      return v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElseThrow();
    }
  }

  /**
   * One kernel's result for one model.
   *
   * @param program the kernel's program id
   * @param kernel the kernel's name
   * @param configs configurations scored (that ran)
   * @param kendallTau Kendall's tau over them ({@code NaN} with fewer than two)
   * @param top1Slowdown slowdown of the model's first choice over the best ({@code NaN} with fewer than two)
   * @param defaultTop1Slowdown slowdown of the default configuration over the best ({@code NaN} without one)
   * @param runtimeMape mean absolute percentage error of the predicted runtimes over the configurations
   */
  public record KernelResult(String program, String kernel, int configs, double kendallTau, double top1Slowdown,
      double defaultTop1Slowdown, double runtimeMape) {}

  /**
   * The evaluation of several models on one split part.
   *
   * @param groundTruth what the runtimes are: {@code measured on TPU v3}, or {@code simulated (tpucost
   *     simulator, v4)}
   */
  public record Report(String split, String part, long samples, Map<String, Scores> overall,
      Map<String, Map<String, Scores>> perFamily, String groundTruth) {}

  /** Fits a model on the measured kernels of a fold (for {@link #evaluateKernelFolds}). */
  public interface Refitter {
    /** The model's name in the report. */
    String name();

    /** A model fitted on {@code training} (every record but the held-out kernel's) for {@code chip}. */
    CostModel fit(dev.tpucost.api.chip.ChipSpec chip, List<KernelRecord> training) throws IOException;
  }

  /** What the labels of {@code data} are, from its manifest. */
  public static String groundTruth(DatasetReader data) {
    String chip = data.manifest().path("chip").path("name").asText("?");
    return data.measured()
        ? "measured on TPU " + chip
        : "simulated (tpucost simulator, chip " + chip + ")";
  }

  private Evaluator() {}

  /**
   * Evaluates {@code models} on part {@code part} ({@code train}, {@code val}, {@code test}) of split
   * {@code split} ({@code random}, {@code family}), or on every record for split {@code all}.
   * {@code maxKernels} caps the kernels evaluated (0 = all), taking them in dataset order.
   */
  public static Report evaluate(DatasetReader data, String split, String part, List<CostModel> models, int maxKernels)
      throws IOException {
    Set<String> programs = new HashSet<>();
    if (!split.equals("all")) {
      JsonNode ids = data.manifest().path("splits").path(split).path(part).path("program_ids");
      if (ids.isMissingNode()) {
        throw new IllegalArgumentException("the dataset has no split '" + split + "' with part '" + part + "'");
      }
      ids.forEach(id -> programs.add(id.asText()));
    }
    Map<String, Scores> overall = new LinkedHashMap<>();
    Map<String, Map<String, Scores>> perFamily = new LinkedHashMap<>();
    checkNamesDiffer(models.stream().map(CostModel::name).toList());
    for (CostModel m : models) {
      overall.put(m.name(), new Scores());
      perFamily.put(m.name(), new TreeMap<>());
    }
    long[] samples = {0};
    int[] kernels = {0};
    data.forEach(r -> {
      if ((!split.equals("all") && !programs.contains(r.getProgramId())) || (maxKernels > 0 && kernels[0] >= maxKernels)) {
        return;
      }
      kernels[0]++;
      samples[0] += score(r, models, overall, perFamily);
    });
    return new Report(split, part, samples[0], overall, perFamily, groundTruth(data));
  }

  /** Scores are kept by model name: two models of one name would be pooled into one row, so they are refused. */
  private static void checkNamesDiffer(List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (!seen.add(n)) {
        throw new IllegalArgumentException("two models are named '" + n + "'; name them apart (--model-file NAME=FILE)");
      }
    }
  }

  /**
   * Leave-one-kernel-out ({@code --split kernel}): for every kernel of {@code data}, each refitter fits its
   * model on the other kernels' records only, and that model is scored on the held-out kernel. For measured
   * datasets, where a few hundred samples of a handful of kernels would otherwise be memorised.
   */
  public static Report evaluateKernelFolds(DatasetReader data, List<Refitter> refitters, int maxKernels) throws IOException {
    dev.tpucost.api.chip.ChipSpec chip = data.chip();
    List<KernelRecord> all = new ArrayList<>();
    data.forEach(all::add);
    if (all.size() < 2) {
      throw new IllegalArgumentException("leave-one-kernel-out needs two or more kernels; the dataset has " + all.size());
    }
    Map<String, Scores> overall = new LinkedHashMap<>();
    Map<String, Map<String, Scores>> perFamily = new LinkedHashMap<>();
    checkNamesDiffer(refitters.stream().map(Refitter::name).toList());
    for (Refitter f : refitters) {
      overall.put(f.name(), new Scores());
      perFamily.put(f.name(), new TreeMap<>());
    }
    long samples = 0;
    int n = maxKernels > 0 ? Math.min(maxKernels, all.size()) : all.size();
    for (int held = 0; held < n; held++) {
      List<KernelRecord> training = new ArrayList<>(all);
      KernelRecord test = training.remove(held);
      List<CostModel> fold = new ArrayList<>();
      for (Refitter f : refitters) {
        CostModel m = f.fit(chip, training);
        fold.add(new Renamed(m, f.name()));
      }
      samples += score(test, fold, overall, perFamily);
    }
    return new Report("kernel", "held-out kernel", samples, overall, perFamily, groundTruth(data));
  }

  /** Scores {@code models} on record {@code r}; returns the samples scored. */
  private static long score(KernelRecord r, List<CostModel> models, Map<String, Scores> overall,
      Map<String, Map<String, Scores>> perFamily) {
    Kernel k = KernelModules.fromRecord(r);
    List<TileConfig> tiles = new ArrayList<>();
    List<Double> actual = new ArrayList<>();
    int defaultIndex = -1;
    for (TileSample s : r.getSamplesList()) {
      if (s.getError().isEmpty()) {
        if (s.getIsDefault() && defaultIndex < 0) {
          defaultIndex = tiles.size();
        }
        tiles.add(Tiles.of(s));
        actual.add(s.getRuntimeNs());
      }
    }
    double[] a = actual.stream().mapToDouble(Double::doubleValue).toArray();
    for (CostModel m : models) {
      List<dev.tpucost.api.model.TilePrediction> batch = m.predictAll(k, tiles);
      double[] p = nanosecondsOrNaN(batch);
      Scores o = overall.get(m.name());
      Scores f = perFamily.get(m.name()).computeIfAbsent(r.getFamily(), x -> new Scores());
      // Per kernel once (tau and top-1 included), then added to the overall and the family scores.
      KernelResult kr = kernelResult(r, p, a, defaultIndex);
      double ape = 0;
      int scored = 0;
      for (int i = 0; i < a.length; i++) {
        if (!Double.isNaN(p[i])) {
          ape += Metrics.ape(p[i], a[i]);
          scored++;
          o.samplePairs.add(new double[] {p[i], a[i]});
        }
      }
      for (Scores s : List.of(o, f)) {
        intervals(s, batch, a);
        add(s, r.getProgramId(), p, a, defaultIndex, kr);
        s.kernels.add(kr);
        s.samplesApe += ape;
        s.samplesScored += scored;
      }
    }
    return tiles.size();
  }

  /** Adds the batch's intervals, if any, against the true runtimes {@code a} to {@code s}'s calibration. */
  private static void intervals(Scores s, List<dev.tpucost.api.model.TilePrediction> batch, double[] a) {
    for (int i = 0; i < a.length; i++) {
      var interval = batch.get(i).interval();
      if (interval.isPresent()) {
        s.intervalSamples++;
        s.intervalHits += interval.get().contains(a[i]) ? 1 : 0;
        s.intervalLogRatio += Math.log(interval.get().highNs() / Math.max(interval.get().lowNs(), Double.MIN_NORMAL));
        s.intervalCoverageLevel = interval.get().coverage();
      }
    }
  }

  /**
   * The metrics' view of a batch: a refused tile becomes NaN here, which ranks last and is never a model's
   * top-1 choice unless it refuses every tile (the metrics in {@link Metrics} treat NaN so).
   */
  private static double[] nanosecondsOrNaN(List<dev.tpucost.api.model.TilePrediction> batch) {
    double[] out = new double[batch.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = batch.get(i).isRefused() ? Double.NaN : batch.get(i).nanoseconds();
    }
    return out;
  }

  private static KernelResult kernelResult(KernelRecord r, double[] p, double[] a, int defaultIndex) {
    double ape = 0;
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      if (!Double.isNaN(p[i])) {
        ape += Metrics.ape(p[i], a[i]);
        n++;
      }
    }
    double best = Arrays.stream(a).min().orElse(Double.NaN);
    boolean tile = a.length >= 2;
    return new KernelResult(r.getProgramId(), r.getKernelName(), a.length, tile ? Metrics.kendallTau(p, a) : Double.NaN,
        tile ? Metrics.topKSlowdown(p, a, 1) : Double.NaN, defaultIndex >= 0 && tile ? a[defaultIndex] / best - 1 : Double.NaN,
        n == 0 ? Double.NaN : ape / n);
  }

  /** A fold's model under its refitter's name. */
  private record Renamed(CostModel model, String name) implements CostModel {
    @Override
    public dev.tpucost.api.chip.ChipSpec chip() {
      return model.chip();
    }

    @Override
    public dev.tpucost.api.model.Estimate predict(Kernel kernel, TileConfig tile) {
      return model.predict(kernel, tile);
    }

    @Override
    public dev.tpucost.api.tile.TileSpace tileSpace(Kernel kernel) {
      return model.tileSpace(kernel);
    }

    @Override
    public List<dev.tpucost.api.model.TilePrediction> predictAll(Kernel kernel, List<TileConfig> tiles) {
      return model.predictAll(kernel, tiles);
    }
  }

  private static void add(Scores s, String program, double[] p, double[] a, int defaultIndex, KernelResult kr) {
    double[] totals = s.programs.computeIfAbsent(program, x -> new double[4]);
    if (a.length >= 1) {
      int chosen = 0;
      for (int i = 1; i < p.length; i++) {
        if (Double.isNaN(p[chosen]) || p[i] < p[chosen]) {
          chosen = i;
        }
      }
      totals[0] += a[chosen];
      totals[1] += Arrays.stream(a).min().orElseThrow();
    }
    if (defaultIndex >= 0 && !Double.isNaN(p[defaultIndex])) {
      totals[2] += p[defaultIndex];
      totals[3] += a[defaultIndex];
    }
    if (a.length >= 2) {
      s.tau += kr.kendallTau();
      s.top1 += kr.top1Slowdown();
      s.top5 += Metrics.topKSlowdown(p, a, 5);
      s.top10 += Metrics.topKSlowdown(p, a, 10);
      s.tileKernels++;
    }
    if (defaultIndex >= 0 && !Double.isNaN(p[defaultIndex])) {
      s.ape += Metrics.ape(p[defaultIndex], a[defaultIndex]);
      s.fusionKernels++;
      s.fusionPairs.add(new double[] {p[defaultIndex], a[defaultIndex]});
    }
  }


  /** Records of one split part, for training and calibration. */
  public static List<KernelRecord> records(DatasetReader data, String split, String part) throws IOException {
    Set<String> programs = new HashSet<>(data.programIds(split, part));
    if (programs.isEmpty()) {
      throw new IllegalArgumentException("the dataset's split '" + split + "' has no programs in part '" + part + "'");
    }
    List<KernelRecord> out = new ArrayList<>();
    data.forEach(r -> {
      if (programs.contains(r.getProgramId())) {
        out.add(r);
      }
    });
    return out;
  }
}
