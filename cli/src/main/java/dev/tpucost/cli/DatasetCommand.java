package dev.tpucost.cli;

import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.corpus.dataset.DatasetBuilder;
import dev.tpucost.corpus.dataset.DatasetOptions;
import dev.tpucost.corpus.dataset.Progress;
import dev.tpucost.hlo.HloFiles;
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
    description = {
      "Generate a labelled dataset: zoo programs (or the HLO files given with --from) go through the fusion",
      "pass, greedily and in random configurations; each distinct kernel gets tile configs sampled from its",
      "tile space, labelled by the simulator. Writes sharded records and manifest.json into --out; rerunning",
      "the same command resumes an interrupted build."
    })
final class DatasetCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Option(names = "--programs", description = "Zoo programs (default: ${DEFAULT-VALUE}).", defaultValue = "512")
  int programs;

  @Option(names = "--configs-per-kernel", description = "Tile configs per kernel (default: ${DEFAULT-VALUE}).", defaultValue = "128")
  int configsPerKernel;

  @Option(names = "--fusion-variants", description = "Random fusion configurations per program (default: ${DEFAULT-VALUE}).", defaultValue = "16")
  int fusionVariants;

  @Option(names = "--seed", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).", defaultValue = "1")
  long seed;

  @Option(names = "--chip", description = "Preset or chip file (default: ${DEFAULT-VALUE}).", defaultValue = "v4")
  String chip;

  @Option(names = "--threads", description = "Worker threads (default: all cores); results do not depend on it.")
  Integer threads;

  @Option(names = "--from", arity = "1..*", paramLabel = "FILE", description = "Label these HLO files instead of zoo programs.")
  List<Path> from;

  @Override
  public Integer call() throws Exception {
    DatasetOptions defaults = DatasetOptions.defaults();
    DatasetOptions options = new DatasetOptions(programs, configsPerKernel, fusionVariants, seed, ChipFiles.resolve(chip),
        threads != null ? threads : defaults.threads(), defaults.programsPerShard(), defaults.heldOutFamily());
    PrintWriter err = spec.commandLine().getErr();
    DatasetBuilder.Summary s;
    try (BarProgress progress = new BarProgress(err)) {
      if (from != null) {
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
    o.flush();
    return 0;
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
