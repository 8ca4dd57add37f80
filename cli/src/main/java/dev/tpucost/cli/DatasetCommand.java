package dev.tpucost.cli;

import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.corpus.dataset.DatasetBuilder;
import dev.tpucost.corpus.dataset.DatasetOptions;
import dev.tpucost.corpus.dataset.Progress;
import dev.tpucost.hlo.HloFiles;
import dev.tpucost.hlo.tuning.TunedKernel;
import dev.tpucost.hlo.tuning.TuningFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tpucost dataset}: generate (or label) a dataset of (kernel, tile, simulated runtime) samples. */
@Command(
    name = "dataset",
    mixinStandardHelpOptions = true,
    header = "Generate a labelled dataset from the program zoo, HLO files or tuning files.",
    description = {
      "Generate a labelled dataset: zoo programs (or the HLO files given with --from) go through the fusion",
      "pass, greedily and in random configurations; each distinct kernel gets tile configs sampled from its",
      "tile space, labelled by the simulator. Writes sharded records and manifest.json into --out; rerunning",
      "the same command resumes an interrupted build. With --from-tuning, the dataset holds real kernels",
      "labelled with the runtimes measured on hardware (TpuGraphs tuning files) instead."
    })
final class DatasetCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Option(names = "--programs", paramLabel = "N",
      description = "Zoo programs (default: ${DEFAULT-VALUE}).", defaultValue = "512")
  int programs;

  @Option(names = "--configs-per-kernel", paramLabel = "N",
      description = "Tile configs per kernel (default: ${DEFAULT-VALUE}).", defaultValue = "128")
  int configsPerKernel;

  @Option(names = "--fusion-variants", paramLabel = "N",
      description = "Random fusion configurations per program (default: ${DEFAULT-VALUE}).", defaultValue = "16")
  int fusionVariants;

  @Option(names = "--seed", paramLabel = "SEED",
      description = "Seed of every random choice (default: ${DEFAULT-VALUE}).", defaultValue = "1")
  long seed;

  @Option(names = "--chip", paramLabel = "CHIP",
      description = "Preset or chip file (default: v4; v3 with --from-tuning, the chip TpuGraphs measured on).")
  String chip;

  @Option(names = "--threads", paramLabel = "N",
      description = "Worker threads (default: all cores); results do not depend on it.")
  Integer threads;

  @Option(names = "--from", arity = "1..*", paramLabel = "FILE",
      description = "Label these HLO files instead of zoo programs.")
  List<Path> from;

  @Option(names = "--from-tuning", arity = "1..*", paramLabel = "FILE", description = {
      "TpuGraphs tuning files (a TuningData or one ModuleTuningData): every tile run becomes a sample labelled "
          + "with its measured runtime (failed runs kept as rejected, the compiler default marked); layout runs are "
          + "counted and skipped."})
  List<Path> fromTuning;

  @Override
  public Integer call() throws Exception {
    DatasetOptions defaults = DatasetOptions.defaults();
    if (from != null && fromTuning != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--from and --from-tuning exclude each other");
    }
    String chipName = chip != null ? chip : fromTuning != null ? "v3" : "v4";
    DatasetOptions options = new DatasetOptions(programs, configsPerKernel, fusionVariants, seed, ChipFiles.resolve(chipName),
        threads != null ? threads : defaults.threads(), defaults.programsPerShard(), defaults.heldOutFamily());
    PrintWriter err = spec.commandLine().getErr();
    DatasetBuilder.Summary s;
    try (BarProgress progress = new BarProgress(err)) {
      if (fromTuning != null) {
        s = measured(options, progress);
      } else if (from != null) {
        List<DatasetBuilder.Source> sources = new ArrayList<>();
        for (Path f : from) {
          HloFiles.Loaded l = HloFiles.load(f);
          String name = f.getFileName().toString().replaceAll("\\.(hlo\\.pb|pb|hlo|txt)$", "");
          sources.add(new DatasetBuilder.Source(name, "real", l.module()));
        }
        s = DatasetBuilder.label(sources, options, out, progress);
      } else {
        s = DatasetBuilder.generate(options, out, progress);
      }
    }
    PrintWriter o = spec.commandLine().getOut();
    o.printf("dataset %s: %d programs, %d distinct kernels, %d labelled samples (%d rejected configs), %d shards"
        + " (%d reused), %.1f s on %d threads, chip %s%n", out, s.programs(), s.kernels(), s.samples(), s.errors(),
        s.shards(), s.shardsReused(), s.seconds(), options.threads(), options.chip().name());
    if (fromTuning != null) {
      o.printf("labels: measured on %s; %d layout (module_config) runs skipped: tpucost labels tile configurations only%n",
          options.chip().name(), s.layoutRunsSkipped());
    } else {
      warnEmptyParts(out, s.programs());
    }
    o.flush();
    return 0;
  }

  /** Warns, on stderr, of each split part without programs (too few programs for 80/10/10), saying what follows. */
  private void warnEmptyParts(Path out, long programs) throws java.io.IOException {
    var reader = dev.tpucost.corpus.dataset.DatasetReader.open(out);
    PrintWriter err = spec.commandLine().getErr();
    for (String split : List.of("random", "family")) {
      for (String part : List.of("train", "val", "test")) {
        if (reader.programIds(split, part).isEmpty()) {
          err.println("tpucost: warning: split '" + split + "' has no programs in part '" + part + "' (" + programs
              + " programs in all): " + switch (part) {
                case "train" -> "train cannot use this split";
                case "val" -> "train will validate on every tenth training kernel instead";
                default -> "evaluate --split " + split + " has nothing to score (use --split all)";
              } + "; build with --programs 32 or more to fill every part");
        }
      }
    }
    err.flush();
  }

  private DatasetBuilder.Summary measured(DatasetOptions options, Progress progress) throws java.io.IOException {
    List<DatasetBuilder.Source> sources = new ArrayList<>();
    var inputs = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
    for (Path f : fromTuning) {
      List<TunedKernel> tuned = TuningFiles.read(f);
      String stem = f.getFileName().toString().replaceAll("\\.(pb|binpb|tuning)$", "");
      long runs = 0;
      for (int i = 0; i < tuned.size(); i++) {
        TunedKernel t = tuned.get(i);
        sources.add(DatasetBuilder.Source.measured(String.format("%s/%03d-%s", stem, i, t.kernel().name()), "measured", t));
        runs += t.runs().size();
      }
      inputs.addObject().put("file", f.getFileName().toString())
          .put("sha256", com.google.common.io.MoreFiles.asByteSource(f).hash(com.google.common.hash.Hashing.sha256()).toString())
          .put("kernels", tuned.size()).put("runs", runs);
    }
    var wrapper = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    wrapper.set("tuning_files", inputs);
    return DatasetBuilder.measured(sources, options, wrapper, out, progress);
  }

  /** Progress onto a terminal progress bar (library: me.tongfei:progressbar). */
  private static final class BarProgress implements Progress, AutoCloseable {
    private final PrintWriter err;
    private ProgressBar bar;

    BarProgress(PrintWriter err) {
      this.err = err;
    }

    @Override
    public synchronized void start(String phase, long total) {
      if (bar != null) {
        bar.close();
      }
      bar = new ProgressBarBuilder().setTaskName(phase).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(500).setMaxRenderedLength(100).showSpeed()
          .setConsumer(new ConsoleProgressBarConsumer(new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
              err.write(b);
            }

            @Override
            public void flush() {
              err.flush();
            }
          }, true)))
          .continuousUpdate().setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS).build();
    }

    @Override
    public void advance(long n) {
      ProgressBar b = bar;
      if (b != null) {
        b.stepBy(n);
      }
    }

    @Override
    public synchronized void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }

  static String duration(double seconds) {
    return Duration.ofMillis((long) (seconds * 1000)).toString();
  }
}
