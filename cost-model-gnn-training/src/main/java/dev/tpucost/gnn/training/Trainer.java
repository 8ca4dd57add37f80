package dev.tpucost.gnn.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.corpus.evaluation.Metrics;
import dev.tpucost.gnn.ConfigFeatures;
import dev.tpucost.gnn.ModelFile;
import dev.tpucost.gnn.TargetBase;
import dev.tpucost.gnn.features.ChipFeatures;
import dev.tpucost.gnn.features.Featurizer;
import dev.tpucost.gnn.features.KernelGraph;
import dev.tpucost.gnn.features.Normalizer;
import dev.tpucost.gnn.net.Forward;
import dev.tpucost.gnn.net.Hyper;
import dev.tpucost.gnn.net.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains the network on the training part of a dataset split and keeps the epoch that scores best on the
 * validation part. Everything random is seeded, so one seed gives one model (with
 * {@code OMP_NUM_THREADS=1}, which the launcher and the build set).
 */
public final class Trainer {
  /**
   * Training options.
   *
   * @param task {@code tile} (ranking + regression over configs), {@code fusion} (regression at the
   *     default tile) or {@code both}
   * @param split {@code random} or {@code family}
   * @param epochs maximum epochs
   * @param seed seed of initialisation, shuffling and config sampling
   * @param base what the network's target is relative to ({@link TargetBase}: log runtime, log(runtime /
   *     analytical runtime) for a hybrid, log(runtime / roofline bound))
   * @param batchKernels kernels per batch
   * @param configsPerKernel configs sampled per kernel per batch
   * @param learningRate Adam step size
   * @param rankWeight weight of the ranking loss next to the regression loss (tile and both tasks)
   * @param patience epochs without improvement before stopping
   * @param hyper network sizes
   * @param maxKernels use at most this many training kernels (0 = all; for quick runs)
   * @param defaultWeight weight of the default config's squared error next to the other configs' 1 (the
   *     fusion task's sample: a kernel's default config is one of the {@code configsPerKernel} it is trained on)
   * @param lrDecay the step size is {@code learningRate * lrDecay^(epoch - 1)} (1: constant)
   * @param averageDecay 0, or the per-step decay {@code d} of an exponential moving average of the weights
   *     ({@link WeightAverage}), which is then what each epoch validates and what the model file keeps
   */
  public record Options(String task, String split, int epochs, long seed, TargetBase base, int batchKernels,
      int configsPerKernel, double learningRate, double rankWeight, int patience, Hyper hyper, int maxKernels,
      double defaultWeight, double lrDecay, double averageDecay) {
    /** The defaults: both tasks, random split, 20 epochs, seed 1, batches of 16 kernels x 16 configs. */
    public static Options defaults() {
      return new Options("both", "random", 20, 1, TargetBase.NONE, 16, 16, 2e-3, 0.2, 4, Hyper.defaults(ConfigFeatures.WIDTH), 0);
    }

    /** Options with the default config's error weighing as much as any other's. */
    public Options(String task, String split, int epochs, long seed, TargetBase base, int batchKernels,
        int configsPerKernel, double learningRate, double rankWeight, int patience, Hyper hyper, int maxKernels) {
      this(task, split, epochs, seed, base, batchKernels, configsPerKernel, learningRate, rankWeight, patience, hyper,
          maxKernels, 1, 1, 0);
    }

    /** Options without a weight average. */
    public Options(String task, String split, int epochs, long seed, TargetBase base, int batchKernels,
        int configsPerKernel, double learningRate, double rankWeight, int patience, Hyper hyper, int maxKernels,
        double defaultWeight, double lrDecay) {
      this(task, split, epochs, seed, base, batchKernels, configsPerKernel, learningRate, rankWeight, patience, hyper,
          maxKernels, defaultWeight, lrDecay, 0);
    }

    /** Validates the options. */
    public Options {
      java.util.Objects.requireNonNull(base, "base");
      if (!List.of("tile", "fusion", "both").contains(task)) {
        throw new IllegalArgumentException("--task must be tile, fusion or both, not '" + task + "'");
      }
      if (!List.of("random", "family").contains(split)) {
        throw new IllegalArgumentException("--split must be random or family, not '" + split + "'");
      }
      if (epochs < 1) {
        throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
      }
      if (patience < 1) {
        throw new IllegalArgumentException("--patience must be >= 1, got " + patience);
      }
      if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException("--learning-rate must be positive, not " + learningRate);
      }
      if (batchKernels < 1 || configsPerKernel < 1) {
        throw new IllegalArgumentException("a batch needs at least one kernel and one config, got " + batchKernels
            + " and " + configsPerKernel);
      }
      if (!(defaultWeight > 0) || Double.isInfinite(defaultWeight)) {
        throw new IllegalArgumentException("--default-weight must be positive, not " + defaultWeight);
      }
      if (!(lrDecay > 0 && lrDecay <= 1)) {
        throw new IllegalArgumentException("--lr-decay must lie in (0, 1], not " + lrDecay);
      }
      if (!(averageDecay >= 0 && averageDecay < 1)) {
        throw new IllegalArgumentException("--weight-average must lie in [0, 1), not " + averageDecay);
      }
    }

    /** True for a hybrid (the analytical model's estimate as the base). */
    public boolean hybrid() {
      return base == TargetBase.ANALYTICAL;
    }
  }

  /** Largest kernel (nodes) used in a training batch (the batch matrices are dense). */
  static final int MAX_TRAINING_NODES = 256;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A kernel's training samples: per config its features, target ({@code log(runtime / baseNs)}), runtime and
   * base ({@link TargetBase}: the analytical estimate, the kernel's roofline bound, or 1).
   */
  record Example(Kernel kernel, KernelGraph graph, float[][] configs, double[] targets, double[] runtimes,
      double[] baseNs, int defaultIndex) {}

  private Trainer() {}

  /**
   * Trains on {@code dataDir} and writes the model to {@code out}; checkpoints go to
   * {@code out + ".checkpoint"} after every epoch, and with {@code resume} training continues from there.
   */
  public static ModelFile train(Path dataDir, Options o, Path out, boolean resume, Consumer<String> log) throws IOException {
    return train(List.of(dataDir), o, out, resume, log);
  }

  /**
   * Trains on the training parts of several datasets (each labelled on its own chip, each with its own
   * split) and validates on their validation parts pooled. A chip-conditioned network
   * ({@code o.hyper().configFeatures() == ConfigFeatures.CHIP_WIDTH}) sees each dataset's chip figures
   * ({@link ChipFeatures}); any other takes one dataset, or several of the same chip.
   */
  public static ModelFile train(List<Path> dataDirs, Options o, Path out, boolean resume, Consumer<String> log)
      throws IOException {
    long start = System.nanoTime();
    boolean conditioned = o.hyper().configFeatures() == ConfigFeatures.CHIP_WIDTH;
    TrainingSet data = TrainingSet.load(dataDirs, o, log);
    List<Example> train = data.train();
    List<Example> val = data.val();
    List<String> chips = data.chips();
    ChipSpec chip = data.chip();
    boolean valFromTraining = data.valFromTraining();
    String datasetHash = data.datasetHash();
    log.accept(String.format("training %s%s (%s task, %s split) on %d kernels, validating on %d; chip%s %s",
        conditioned ? "chip-conditioned " : "", o.base().kind(), o.task(), o.split(), train.size(), val.size(),
        chips.size() > 1 ? "s" : "", String.join(", ", chips)));

    Normalizer.Accumulator nodeAcc = new Normalizer.Accumulator(Featurizer.NODE_FEATURES);
    Normalizer.Accumulator cfgAcc = new Normalizer.Accumulator(o.hyper().configFeatures());
    double sum = 0;
    double sumSq = 0;
    long count = 0;
    for (Example e : train) {
      for (float[] row : e.graph().nodes()) {
        nodeAcc.add(row);
      }
      for (int j = 0; j < e.configs().length; j++) {
        cfgAcc.add(e.configs()[j]);
        sum += e.targets()[j];
        sumSq += e.targets()[j] * e.targets()[j];
        count++;
      }
    }
    Normalizer nodeNorm = nodeAcc.build();
    Normalizer cfgNorm = cfgAcc.build();
    double mean = sum / Math.max(1, count);
    double std = Math.sqrt(Math.max(1e-12, sumSq / Math.max(1, count) - mean * mean));

    // Fixed key order, and normalised through its JSON text so a checkpoint's copy compares equal.
    ObjectNode built = JSON.createObjectNode();
    built.put("task", o.task()).put("split", o.split()).put("seed", o.seed()).put("hybrid", o.hybrid())
        .put("batch_kernels", o.batchKernels()).put("configs_per_kernel", o.configsPerKernel())
        .put("learning_rate", o.learningRate()).put("rank_weight", o.rankWeight()).put("patience", o.patience()).put("max_kernels", o.maxKernels())
        .put("hidden", o.hyper().hidden()).put("layers", o.hyper().layers());
    Hyper dh = Hyper.defaults(ConfigFeatures.WIDTH);
    if (o.hyper().embed() != dh.embed() || o.hyper().head1() != dh.head1() || o.hyper().head2() != dh.head2()) {
      built.put("embed", o.hyper().embed()).put("head1", o.hyper().head1()).put("head2", o.hyper().head2());
    }
    if (o.base() == TargetBase.ROOFLINE) {
      built.put("base", o.base().kind()); // "hybrid": false alone would not say the target's base
    }
    if (conditioned) {
      built.put("chip_conditioned", true);
      built.set("chips", JSON.valueToTree(chips));
    }
    if (o.hyper().earlyJoin()) {
      built.put("early_join", true);
    }
    if (o.defaultWeight() != 1) {
      built.put("default_weight", o.defaultWeight()); // absent at 1, so older checkpoints still resume
    }
    if (o.lrDecay() != 1) {
      built.put("lr_decay", o.lrDecay());
    }
    if (o.averageDecay() != 0) {
      built.put("weight_average", o.averageDecay()); // absent when off, as above
    }
    ObjectNode optionsJson = (ObjectNode) JSON.readTree(JSON.writeValueAsString(built));
    if (valFromTraining) {
      optionsJson.put("validation", "every tenth training kernel (the split has no val programs)");
    }
    Path checkpoint = out.resolveSibling(out.getFileName() + ".checkpoint");
    Weights weights = Weights.init(o.hyper(), o.seed());
    Adam adam = new Adam(o.learningRate());
    WeightAverage average = o.averageDecay() == 0 ? null : new WeightAverage(o.averageDecay(), weights);
    Weights best = copy(weights);
    double bestScore = Double.NEGATIVE_INFINITY;
    int bestEpoch = 0;
    int firstEpoch = 1;
    ObjectNode bestMetrics = JSON.createObjectNode();
    if (resume && Files.exists(checkpoint)) {
      ModelFile cp = ModelFile.load(checkpoint);
      ObjectNode state = (ObjectNode) JSON.readTree(cp.extras().get("state.json"));
      if (!state.path("options").equals(optionsJson) || !state.path("dataset_sha256").asText().equals(datasetHash)) {
        throw new IllegalArgumentException(checkpoint + " was made with other options or another dataset; remove it"
            + " or train without --resume");
      }
      weights = cp.weights();
      best = ModelFileAccess.weights(cp.extras().get("best.bin"), checkpoint.toString());
      adam.restore(cp.extras().get("adam.bin"), state.path("adam_step").asLong(), checkpoint.toString());
      if (average != null) {
        average = WeightAverage.restore(o.averageDecay(),
            ModelFileAccess.weights(cp.extras().get("average.bin"), checkpoint.toString()), adam.step());
      }
      bestScore = state.path("best_score").asDouble();
      bestEpoch = state.path("best_epoch").asInt();
      bestMetrics = (ObjectNode) state.path("best_metrics");
      firstEpoch = state.path("epoch").asInt() + 1;
      log.accept("resuming after epoch " + state.path("epoch").asInt() + " (best so far: epoch " + bestEpoch + ")");
    }

    double rankWeight = o.task().equals("fusion") ? 0 : o.rankWeight();
    SameDiffNet net = new SameDiffNet(o.hyper(), weights, rankWeight, o.task().equals("fusion") ? 1 : o.configsPerKernel(),
        o.defaultWeight() != 1);
    List<Integer> usable = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      if (train.get(i).graph().size() <= MAX_TRAINING_NODES && (!o.task().equals("fusion") || train.get(i).defaultIndex() >= 0)) {
        usable.add(i);
      }
    }
    for (int epoch = firstEpoch; epoch <= o.epochs(); epoch++) {
      if (epoch - bestEpoch > o.patience() && bestEpoch > 0) {
        log.accept("early stop: no improvement for " + o.patience() + " epochs");
        break;
      }
      long t0 = System.nanoTime();
      adam.learningRate(o.learningRate() * Math.pow(o.lrDecay(), epoch - 1));
      List<Integer> order = new ArrayList<>(usable);
      java.util.Collections.shuffle(order, new Random(o.seed() * 1_000_003L + epoch));
      double lossSum = 0;
      int steps = 0;
      for (int b = 0; b < order.size(); b += o.batchKernels()) {
        List<SameDiffNet.Item> items = new ArrayList<>();
        for (int k = b; k < Math.min(order.size(), b + o.batchKernels()); k++) {
          int idx = order.get(k);
          items.add(item(train.get(idx), o, cfgNorm, mean, std, new Random(o.seed() * 31 + epoch * 7919L + idx)));
        }
        net.load(weights);
        SameDiffNet.Step s = net.step(net.batch(items, nodeNorm));
        adam.update(weights, s.gradients(), 5.0);
        if (average != null) {
          average.update(weights);
        }
        lossSum += s.loss();
        steps++;
      }
      Weights validated = average == null ? weights : average.weights();
      Forward f = new Forward(o.hyper(), validated);
      ObjectNode metrics = validate(val, f, nodeNorm, cfgNorm, mean, std);
      double score = score(o.task(), metrics);
      boolean improved = score > bestScore;
      if (improved) {
        bestScore = score;
        bestEpoch = epoch;
        best = copy(validated);
        bestMetrics = metrics;
      }
      log.accept(String.format("epoch %d/%d: train loss %.4f, val tile tau %.4f, top-1 %.2f%%, fusion MAPE %.2f%%, %.0f s%s",
          epoch, o.epochs(), lossSum / Math.max(1, steps), metrics.path("tile_kendall_tau").asDouble(),
          100 * metrics.path("top1_slowdown").asDouble(), 100 * metrics.path("fusion_mape").asDouble(),
          (System.nanoTime() - t0) / 1e9, improved ? " (best)" : ""));
      ObjectNode state = JSON.createObjectNode();
      state.put("epoch", epoch).put("best_epoch", bestEpoch).put("best_score", bestScore).put("adam_step", adam.step());
      state.put("dataset_sha256", datasetHash);
      state.set("options", optionsJson);
      state.set("best_metrics", bestMetrics);
      Map<String, byte[]> extras = new LinkedHashMap<>();
      extras.put("state.json", JSON.writeValueAsBytes(state));
      extras.put("adam.bin", adam.save());
      extras.put("best.bin", ModelFileAccess.bytes(best));
      if (average != null) {
        extras.put("average.bin", ModelFileAccess.bytes(average.weights()));
      }
      model(o, nodeNorm, cfgNorm, mean, std, chip, weights, info(datasetHash, o, optionsJson, metrics, epoch), extras)
          .save(checkpoint);
    }
    // No wall-clock time in the file: one seed gives byte-identical models (the log says how long it took).
    ObjectNode info = info(datasetHash, o, optionsJson, bestMetrics, bestEpoch);
    ModelFile result = model(o, nodeNorm, cfgNorm, mean, std, chip, best, info, Map.of());
    if (!o.hyper().earlyJoin()) {
      result = IntervalFitter.fit(result, train, val, conditioned ? data.chipSpecs() : List.of(), List.of(), false, o.seed(),
          log);
    }
    result.save(out);
    Files.deleteIfExists(checkpoint);
    log.accept(String.format("kept epoch %d; wrote %s (%d parameters) in %.0f s", bestEpoch, out,
        best.parameterCount(), (System.nanoTime() - start) / 1e9));
    return result;
  }

  private static ModelFile model(Options o, Normalizer nodeNorm, Normalizer cfgNorm, double mean, double std, ChipSpec chip,
      Weights w, ObjectNode info, Map<String, byte[]> extras) {
    return new ModelFile(o.base().kind(), o.hyper(), Featurizer.VOCABULARY, nodeNorm, cfgNorm, mean, std,
        chip, info, w, extras);
  }

  private static ObjectNode info(String datasetHash, Options o, ObjectNode options, ObjectNode metrics, int epoch) {
    ObjectNode n = JSON.createObjectNode();
    if (datasetHash.contains("+")) {
      com.fasterxml.jackson.databind.node.ArrayNode a = n.putArray("dataset_manifests_sha256");
      for (String h : datasetHash.split("\\+")) {
        a.add(h);
      }
    } else {
      n.put("dataset_manifest_sha256", datasetHash);
    }
    n.put("tile_semantics", ModelFile.TILE_SEMANTICS);
    n.set("options", options);
    n.put("epoch", epoch);
    n.set("validation", metrics);
    return n;
  }

  private static double score(String task, ObjectNode m) {
    double tau = m.path("tile_kendall_tau").asDouble();
    double top1 = m.path("top1_slowdown").asDouble();
    double mape = m.path("fusion_mape").asDouble();
    return switch (task) {
      case "tile" -> tau - top1;
      case "fusion" -> -mape;
      default -> tau - top1 - mape;
    };
  }

  static SameDiffNet.Item item(Example e, Options o, Normalizer cfgNorm, double mean, double std, Random r) {
    List<Integer> pick = new ArrayList<>();
    if (o.task().equals("fusion")) {
      pick.add(e.defaultIndex());
    } else {
      List<Integer> all = new ArrayList<>();
      for (int j = 0; j < e.configs().length; j++) {
        if (j != e.defaultIndex()) {
          all.add(j);
        }
      }
      java.util.Collections.shuffle(all, r);
      if (e.defaultIndex() >= 0) {
        pick.add(e.defaultIndex());
      }
      for (int j = 0; j < all.size() && pick.size() < o.configsPerKernel(); j++) {
        pick.add(all.get(j));
      }
    }
    float[][] cfg = new float[pick.size()][];
    float[] y = new float[pick.size()];
    float[] weights = o.defaultWeight() == 1 ? null : new float[pick.size()];
    for (int j = 0; j < pick.size(); j++) {
      cfg[j] = cfgNorm.apply(e.configs()[pick.get(j)].clone());
      y[j] = (float) ((e.targets()[pick.get(j)] - mean) / std);
      if (weights != null) {
        weights[j] = pick.get(j) == e.defaultIndex() ? (float) o.defaultWeight() : 1;
      }
    }
    return new SameDiffNet.Item(e.graph(), cfg, y, weights);
  }

  /** Validation metrics with the plain-Java forward pass. */
  private static ObjectNode validate(List<Example> val, Forward f, Normalizer nodeNorm, Normalizer cfgNorm, double mean,
      double std) {
    double tau = 0;
    double top1 = 0;
    int tileKernels = 0;
    double ape = 0;
    int fusionKernels = 0;
    for (Example e : val) {
      float[][] cfg = new float[e.configs().length][];
      for (int j = 0; j < cfg.length; j++) {
        cfg[j] = cfgNorm.apply(e.configs()[j].clone());
      }
      float[] out = f.outputs(e.graph(), nodeNorm, cfg);
      double[] pred = new double[e.configs().length];
      for (int j = 0; j < pred.length; j++) {
        double t = out[j] * std + mean;
        pred[j] = e.baseNs()[j] * Math.exp(t);
      }
      if (pred.length >= 2) {
        tau += Metrics.kendallTau(pred, e.runtimes());
        top1 += Metrics.topKSlowdown(pred, e.runtimes(), 1);
        tileKernels++;
      }
      if (e.defaultIndex() >= 0) {
        ape += Metrics.ape(pred[e.defaultIndex()], e.runtimes()[e.defaultIndex()]);
        fusionKernels++;
      }
    }
    ObjectNode m = JSON.createObjectNode();
    m.put("kernels", val.size());
    m.put("tile_kendall_tau", tileKernels == 0 ? 0 : tau / tileKernels);
    m.put("top1_slowdown", tileKernels == 0 ? 0 : top1 / tileKernels);
    m.put("fusion_mape", fusionKernels == 0 ? 0 : ape / fusionKernels);
    return m;
  }

  static Weights copy(Weights w) {
    Weights c = new Weights();
    w.all().forEach((k, m) -> c.put(k, m.rows(), m.cols(), m.data().clone()));
    return c;
  }
}
