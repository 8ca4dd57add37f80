package dev.tpucost.gnn.training;

import dev.tpucost.analytical.AnalyticalModel;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.corpus.dataset.DatasetReader;
import dev.tpucost.corpus.dataset.KernelModules;
import dev.tpucost.corpus.dataset.Tiles;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.corpus.dataset.wire.TileSample;
import dev.tpucost.corpus.evaluation.Evaluator;
import dev.tpucost.gnn.ConfigFeatures;
import dev.tpucost.gnn.TargetBase;
import dev.tpucost.gnn.features.ChipFeatures;
import dev.tpucost.gnn.features.Featurizer;
import dev.tpucost.gnn.features.KernelGraph;
import dev.tpucost.gnn.training.Trainer.Example;
import dev.tpucost.gnn.training.Trainer.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a training run learns from and validates on: the training and validation parts of one or more
 * datasets as {@link Example}s (each dataset's configs featurised against its own chip's analytical model),
 * the datasets' manifest hashes and chips. A dataset without validation programs validates on every tenth
 * of its training kernels (the documented fallback of a small dataset; it warns).
 *
 * @param train training examples
 * @param val validation examples
 * @param datasetHash the manifests' SHA-256s, joined by {@code +}
 * @param chipSpecs each dataset's chip
 * @param valFromTraining true if some validation examples come from training programs
 */
record TrainingSet(List<Example> train, List<Example> val, String datasetHash, List<ChipSpec> chipSpecs,
    boolean valFromTraining) {

  /** Each dataset's chip name. */
  List<String> chips() {
    return chipSpecs.stream().map(ChipSpec::name).toList();
  }

  /** The first dataset's chip (the one a per-chip model is for). */
  ChipSpec chip() {
    return chipSpecs.get(0);
  }

  /** Loads the parts {@code o.split()} names of every dataset in {@code dataDirs}. */
  static TrainingSet load(List<Path> dataDirs, Options o, Consumer<String> log) throws IOException {
      if (dataDirs.isEmpty()) {
        throw new IllegalArgumentException("no dataset to train on");
      }
      boolean conditioned = o.hyper().configFeatures() == ConfigFeatures.CHIP_WIDTH;
      List<Example> train = new ArrayList<>();
      List<Example> val = new ArrayList<>();
      List<String> hashes = new ArrayList<>();
      List<ChipSpec> specs = new ArrayList<>();
      boolean valFromTraining = false;
      for (Path dataDir : dataDirs) {
        DatasetReader reader = DatasetReader.open(dataDir);
        ChipSpec c = reader.chip();
        if (!conditioned && !specs.isEmpty() && !c.sameHardware(specs.get(0))) {
          throw new IllegalArgumentException(dataDir + ": labelled on chip " + c.name() + ", not " + specs.get(0).name()
              + " like the first dataset; datasets of several chips train a chip-conditioned model (--chip-conditioned)");
        }
        AnalyticalModel analytical = AnalyticalModel.create(c);
        hashes.add(reader.manifestSha256());
        specs.add(c);
        if (reader.programIds(o.split(), "train").isEmpty()) {
          throw new IllegalArgumentException(dataDir + ": the dataset's split '" + o.split() + "' has no programs in part"
              + " 'train' (" + reader.manifest().path("programs").asInt() + " programs in all): build a bigger dataset"
              + " (tpucost dataset --programs 32 or more)");
        }
        List<Example> t = examples(Evaluator.records(reader, o.split(), "train"), analytical, o.base(), o.maxKernels(),
            conditioned);
        if (!reader.programIds(o.split(), "val").isEmpty()) {
          val.addAll(examples(Evaluator.records(reader, o.split(), "val"), analytical, o.base(),
              o.maxKernels() == 0 ? 0 : Math.max(50, o.maxKernels() / 4), conditioned));
          train.addAll(t);
          continue;
        }
        // The documented fallback of a small dataset: every tenth training kernel validates (epoch selection then
        // sees kernels of training programs; the model file records it).
        if (t.size() < 2) {
          throw new IllegalArgumentException(dataDir + ": too small to train: " + t.size() + " training kernel(s) and"
              + " no validation programs; build a bigger dataset (tpucost dataset --programs 32 or more)");
        }
        log.accept("warning: " + (dataDirs.size() > 1 ? dataDir + ": " : "") + "the dataset's split '" + o.split()
            + "' has no programs in part 'val' (too few programs for 80/10/10; build with --programs 32 or more to avoid"
            + " this): validating on every tenth training kernel instead, so the chosen epoch has seen those kernels'"
            + " programs");
        valFromTraining = true;
        List<Example> v = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
          (i % 10 == 9 || (i == t.size() - 1 && v.isEmpty()) ? v : train).add(t.get(i));
        }
        val.addAll(v);
      }
      return new TrainingSet(train, val, String.join("+", hashes), specs, valFromTraining);
  }

  /**
   * Every record of {@code reader}'s dataset as examples, featurised against its own chip (a calibration chip's
   * dataset: one a model was not trained on).
   */
  static List<Example> all(DatasetReader reader, TargetBase base, boolean conditioned) throws IOException {
    List<KernelRecord> records = new ArrayList<>();
    reader.forEach(records::add);
    return examples(records, AnalyticalModel.create(reader.chip()), base, 0, conditioned);
  }

  /**
   * The samples of {@code records} as training examples, their configs' features computed against
   * {@code analytical} (and with its chip's {@link ChipFeatures} appended if {@code conditioned}), their targets
   * relative to {@code base}.
   */
  static List<Example> examples(List<KernelRecord> records, AnalyticalModel analytical, TargetBase base, int max,
      boolean conditioned) {
    List<Example> out = new ArrayList<>();
    for (KernelRecord r : records) {
      if (max > 0 && out.size() >= max) {
        break;
      }
      Kernel k = KernelModules.fromRecord(r);
      KernelGraph g = Featurizer.graph(k);
      List<TileSample> ran = new ArrayList<>();
      List<TileConfig> tiles = new ArrayList<>();
      for (TileSample s : r.getSamplesList()) {
        if (s.getError().isEmpty()) {
          ran.add(s);
          tiles.add(Tiles.of(s));
        }
      }
      // Tiles the models reject up front (null features) are left out: nothing to learn from them.
      ConfigFeatures.Batch features = ConfigFeatures.ofAll(analytical, k, g, tiles,
          conditioned ? ChipFeatures.of(analytical.chip(), k) : null);
      List<float[]> cfg = new ArrayList<>();
      List<Double> targets = new ArrayList<>();
      List<Double> runtimes = new ArrayList<>();
      List<Double> baseNs = new ArrayList<>();
      double roofline = base == TargetBase.ROOFLINE ? ChipFeatures.rooflineNanoseconds(analytical.chip(), k) : 1;
      int def = -1;
      for (int i = 0; i < tiles.size(); i++) {
        int c = features.column()[i];
        if (c < 0) {
          continue;
        }
        TileSample s = ran.get(i);
        double b = base == TargetBase.ANALYTICAL ? features.analyticalNanoseconds(c, analytical.chip()) : roofline;
        if (s.getIsDefault()) {
          def = cfg.size();
        }
        cfg.add(features.features(c));
        targets.add(Math.log(s.getRuntimeNs()) - Math.log(b));
        runtimes.add(s.getRuntimeNs());
        baseNs.add(b);
      }
      if (cfg.isEmpty()) {
        continue;
      }
      out.add(new Example(k, g, cfg.toArray(new float[0][]), targets.stream().mapToDouble(Double::doubleValue).toArray(),
          runtimes.stream().mapToDouble(Double::doubleValue).toArray(),
          baseNs.stream().mapToDouble(Double::doubleValue).toArray(), def));
    }
    return out;
  }
}
