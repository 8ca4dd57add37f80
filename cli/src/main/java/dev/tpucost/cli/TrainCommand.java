package dev.tpucost.cli;

import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.corpus.dataset.DatasetReader;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.gnn.ConfigFeatures;
import dev.tpucost.gnn.ModelFile;
import dev.tpucost.gnn.TargetBase;
import dev.tpucost.gnn.training.FineTuner;
import java.util.ArrayList;
import java.util.List;
import dev.tpucost.gnn.net.Hyper;
import dev.tpucost.gnn.training.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tpucost train}: train the learned model on a dataset. */
@Command(name = "train", mixinStandardHelpOptions = true,
    header = "Train the GraphSAGE model (gnn, hybrid or roofline) on a dataset.", description = {
    "Train the GraphSAGE model on the training part of a dataset split, keeping the epoch that scores best",
    "on the validation part; a checkpoint (OUT.checkpoint) is written after every epoch and --resume continues",
    "from it. Fully seeded: one seed gives one model. With --init MODEL on a measured dataset ('dataset",
    "--from-tuning'), fine-tunes that model on every measured kernel instead, the number of epochs chosen by",
    "leave-one-kernel-out validation (fine-tune on all kernels but one, score the held-out one, every kernel in",
    "turn), so that a few hundred samples are not memorised; the held-out kernels' errors also calibrate the",
    "fine-tuned model's 80%% interval on that chip."})
final class TrainCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR", description = {
      "A dataset; repeat it to train on several (each labelled on its own chip: with --chip-conditioned). Required,"
          + " except by --interval-for with --calibration-data on a model that has an interval."})
  List<Path> data = new ArrayList<>();

  @Option(names = "--chip-conditioned", description = "Feed the chip's figures and the kernel's roofline on it to the"
      + " network, so that one model serves every chip (train it on datasets of several chips). Implied by datasets"
      + " of different chips.")
  boolean chipConditioned;

  @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Where to write the model (a zip).")
  Path out;

  @Option(names = "--task", paramLabel = "TASK", defaultValue = "both",
      description = "tile, fusion or both (default: ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "random",
      description = "random or family (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "20",
      description = "Maximum epochs (default: ${DEFAULT-VALUE}). With --init, 0 keeps the model's estimates as they are"
          + " and only calibrates its 80%% interval on the measurements.")
  int epochs;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--hybrid", description = "Learn the analytical model's error (log simulated / analytical).")
  boolean hybrid;

  @Option(names = "--roofline", description = "Learn the runtime over the kernel's roofline bound on its chip (log"
      + " runtime / max(flops / peak, bytes / bandwidth)): a gnn whose level scales with the chip's figures"
      + " (model kind 'roofline').")
  boolean roofline;

  @Option(names = "--hidden", paramLabel = "N", defaultValue = "16",
      description = "Node state width (default: ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--layers", paramLabel = "N", defaultValue = "2",
      description = "GraphSAGE layers (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--head", defaultValue = "32,16", paramLabel = "W1,W2",
      description = "Widths of the head's two hidden layers (default: ${DEFAULT-VALUE}).")
  String headWidths;

  @Option(names = "--embed", paramLabel = "N", defaultValue = "16",
      description = "Opcode embedding width (default: ${DEFAULT-VALUE}).")
  int embed;

  @Option(names = "--join", paramLabel = "JOIN", defaultValue = "late",
      description = "Where the tile config meets the graph: late (kernel"
      + " embedding + config in the head; the graph is encoded once per kernel) or early (also broadcast into every"
      + " node's first layer; encoded once per config). Default: ${DEFAULT-VALUE}.")
  String join;

  @Option(names = "--max-kernels", paramLabel = "N", defaultValue = "0",
      description = "Train on at most this many kernels (0 = all).")
  int maxKernels;

  @Option(names = "--rank-weight", paramLabel = "X", defaultValue = "0.2",
      description = "Weight of the ranking loss (default: ${DEFAULT-VALUE}).")
  double rankWeight;

  @Option(names = "--default-weight", paramLabel = "X", defaultValue = "1",
      description = "Weight of each kernel's default-tile config"
      + " in the regression loss, next to 1 for its other sampled configs: above 1 leans the network towards the fusion"
      + " task's runtimes (default: ${DEFAULT-VALUE}).")
  double defaultWeight;

  @Option(names = "--patience", paramLabel = "N", defaultValue = "4",
      description = "Stop after this many epochs without a better"
      + " validation score (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(names = "--lr-decay", paramLabel = "X", defaultValue = "1",
      description = "Multiply the step size by this after every"
      + " epoch (default: ${DEFAULT-VALUE}, constant).")
  double lrDecay;

  @Option(names = "--weight-average", defaultValue = "0", paramLabel = "D", description = "Validate and keep an"
      + " exponential moving average of the weights over steps, each step weighing the older average D (e.g."
      + " 0.9998); 0, the default, keeps the weights themselves.")
  double weightAverage;

  @Option(names = "--resume", description = "Continue from OUT.checkpoint.")
  boolean resume;

  @Option(names = "--init", paramLabel = "MODEL", description = {
      "Fine-tune this trained model (gnn, hybrid or roofline, for the dataset's chip) on a measured dataset."})
  Path init;

  @Option(names = "--learning-rate", paramLabel = "X", description = "With --init: Adam step size (default: 5e-4).")
  Double learningRate;

  @Option(names = "--interval-for", paramLabel = "MODEL", description = {
      "Only give this trained model an 80%% interval (quantile outputs fitted on the training part of --data, the"
          + " datasets it was trained on, and calibrated on their validation part; the network unchanged) and write"
          + " it to --out. Training gives new models one."})
  Path intervalFor;

  @Option(names = "--calibration-data", paramLabel = "DIR", description = {
      "With --interval-for on a chip-conditioned model: datasets of chips it was not trained on; their samples choose"
          + " the interval's widening for every chip unlike the training chips and, for a hybrid, the weight of its"
          + " learned correction there (repeatable). Without --data only that is chosen again, the model's quantile"
          + " outputs kept: to calibrate a shipped model for your chip from a few of its programs."})
  List<Path> calibrationData = new ArrayList<>();

  @Option(names = "--level-apart", description = {
      "With --calibration-data on a chip-conditioned hybrid: weigh its learned correction's level (at each kernel's"
          + " default tile, what a fusion pass asks) and its shape across tiles (what ranking asks) apart, each"
          + " fitted on its own samples. For calibrating on a few programs of the chip the model is to serve"
          + " (simulated, or measured with 'dataset --from-tuning'); on stand-in chips for chips not yet known it"
          + " weighed the level higher and held-out chips lost (README)."})
  boolean levelApart;

  /** The chip a dataset was labelled on. */
  private static ChipSpec chipOf(Path dataset) {
    try {
      return DatasetReader.open(dataset).chip();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public Integer call() throws Exception {
    if (levelApart && (intervalFor == null || calibrationData.isEmpty())) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--level-apart weighs a hybrid's correction on calibration chips: it needs --interval-for and --calibration-data");
    }
    if (init != null) {
      return fineTune();
    }
    if (data.isEmpty() && (intervalFor == null || calibrationData.isEmpty())) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--data=DIR' (only"
          + " --interval-for with --calibration-data goes without it)");
    }
    if (intervalFor != null) {
      ModelFile model = ModelFile.load(intervalFor);
      (data.isEmpty() ? dev.tpucost.gnn.training.UnseenChipFitter.recalibrate(model, calibrationData, levelApart, progress())
          : dev.tpucost.gnn.training.IntervalFitter.fit(model, data, calibrationData, levelApart, progress())).save(out);
      progress().accept("wrote " + out);
      return 0;
    }
    Trainer.Options d = Trainer.Options.defaults();
    if (!join.equals("late") && !join.equals("early")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--join must be late or early, not '" + join + "'");
    }
    int[] head;
    try {
      head = java.util.Arrays.stream(headWidths.split(",", -1)).mapToInt(w -> Integer.parseInt(w.trim())).toArray();
    } catch (NumberFormatException e) {
      head = new int[0];
    }
    if (head.length != 2 || head[0] < 1 || head[1] < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--head takes two positive widths W1,W2, not '" + headWidths + "'");
    }
    if (hidden < 1 || embed < 1 || layers < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--hidden and --embed take a positive width, --layers zero or more");
    }
    boolean conditioned = chipConditioned;
    ChipSpec first = chipOf(data.get(0));
    for (Path dataset : data) {
      conditioned |= !chipOf(dataset).sameHardware(first);
    }
    Hyper h = new Hyper(hidden, embed, layers, head[0], head[1],
        conditioned ? ConfigFeatures.CHIP_WIDTH : ConfigFeatures.WIDTH, join.equals("early"));
    if (hybrid && roofline) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--hybrid and --roofline are two bases of the learned target; give one");
    }
    Trainer.Options o = new Trainer.Options(task, split, epochs, seed,
        hybrid ? TargetBase.ANALYTICAL : roofline ? TargetBase.ROOFLINE : TargetBase.NONE, d.batchKernels(), d.configsPerKernel(),
        d.learningRate(), rankWeight, patience, h, maxKernels, defaultWeight, lrDecay, weightAverage);
    Trainer.train(data, o, out, resume, progress());
    return 0;
  }

  /** Progress lines, each printed and flushed as it comes (a training run takes minutes). */
  private java.util.function.Consumer<String> progress() {
    PrintWriter console = spec.commandLine().getOut();
    return line -> {
      console.println(line);
      console.flush();
    };
  }

  /** {@code --init}: leave-one-kernel-out selection of the epochs, then fine-tuning on every kernel. */
  private int fineTune() throws Exception {
    PrintWriter console = spec.commandLine().getOut();
    if (data.size() > 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--init fine-tunes on one measured dataset, not "
          + data.size());
    }
    DatasetReader reader = DatasetReader.open(data.get(0));
    if (!reader.measured()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), data.get(0) + " is labelled by the simulator;"
          + " --init fine-tunes on measured runtimes ('tpucost dataset --from-tuning'); train on simulated data without it");
    }
    ChipSpec chip = reader.chip();
    ModelFile model = ModelFile.load(init);
    if (model.hyper().configFeatures() != ConfigFeatures.CHIP_WIDTH && !model.chip().sameHardware(chip)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), init + " was trained for chip " + model.chip().name()
          + ", the measurements are from " + chip.name() + "; train a model on a simulated " + chip.name() + " dataset first");
    }
    List<KernelRecord> records = new ArrayList<>();
    reader.forEach(records::add);
    FineTuner.Options d = FineTuner.Options.defaults();
    FineTuner.Options o = new FineTuner.Options(epochs, learningRate != null ? learningRate : d.learningRate(), rankWeight, seed);
    long t0 = System.nanoTime();
    console.printf("fine-tuning %s (%s) on %d measured kernels of %s; choosing 0..%d epochs by leave-one-kernel-out%n",
        init, model.kind(), records.size(), chip.name(), o.maxEpochs());
    FineTuner.Selection sel = FineTuner.select(model, chip, records, o, line -> {
      console.println("  " + line);
      console.flush();
    });
    double[] l = sel.heldOutLoss();
    console.printf("held-out log-RMSE over kernels: %.3f before fine-tuning, %.3f at the chosen %d epochs, %.3f at %d%n",
        Math.sqrt(l[0]), Math.sqrt(l[sel.epochs()]), sel.epochs(), Math.sqrt(l[l.length - 1]), l.length - 1);
    ModelFile tuned = FineTuner.fineTune(model, chip, records, o, sel.epochs(), sel);
    // (the half-width the fine-tuned file holds, as FineTuner calibrated it)
    com.fasterxml.jackson.databind.JsonNode q = tuned.info().path(dev.tpucost.gnn.IntervalCalibration.INFO_KEY)
        .path("half_width_ln");
    if (q.isNumber()) {
      console.printf("80%% interval: estimate / %.2f to estimate x %.2f (half-width %.3f in ln runtime, the 80%% quantile"
          + " of %d held-out residuals)%n", Math.exp(q.asDouble()), Math.exp(q.asDouble()), q.asDouble(),
          sel.heldOutResiduals().length);
    } else {
      console.printf("no interval: %d held-out residuals are too few to calibrate one%n", sel.heldOutResiduals().length);
    }
    tuned.save(out);
    console.printf("wrote %s (%d epochs on all %d kernels) in %.0f s%n", out, sel.epochs(), records.size(),
        (System.nanoTime() - t0) / 1e9);
    console.flush();
    return 0;
  }
}
