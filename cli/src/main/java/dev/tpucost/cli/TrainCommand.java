package dev.tpucost.cli;

import dev.tpucost.gnn.ConfigFeatures;
import dev.tpucost.gnn.net.Hyper;
import dev.tpucost.gnn.training.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tpucost train}: train the learned model on a dataset. */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
    "Train the GraphSAGE model on the training part of a dataset split, keeping the epoch that scores best",
    "on the validation part; a checkpoint (OUT.checkpoint) is written after every epoch and --resume continues",
    "from it. Fully seeded: one seed gives one model."})
final class TrainCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "A dataset.")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Where to write the model (a zip).")
  Path out;

  @Option(names = "--task", defaultValue = "both", description = "tile, fusion or both (default: ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--split", defaultValue = "random", description = "random or family (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--epochs", defaultValue = "20", description = "Maximum epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--hybrid", description = "Learn the analytical model's error (log simulated / analytical).")
  boolean hybrid;

  @Option(names = "--hidden", defaultValue = "48", description = "Node state width (default: ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--layers", defaultValue = "2", description = "GraphSAGE layers (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--join", defaultValue = "late", description = {
      "Where the tile config meets the graph: late (kernel embedding + config in the head; the graph is",
      "encoded once per kernel) or early (also broadcast into every node's first layer; encoded once per",
      "config). Default: ${DEFAULT-VALUE}."})
  String join;

  @Option(names = "--max-kernels", defaultValue = "0", description = "Train on at most this many kernels (0 = all).")
  int maxKernels;

  @Option(names = "--rank-weight", defaultValue = "0.2", description = "Weight of the ranking loss (default: ${DEFAULT-VALUE}).")
  double rankWeight;

  @Option(names = "--resume", description = "Continue from OUT.checkpoint.")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    Trainer.Options d = Trainer.Options.defaults();
    if (!join.equals("late") && !join.equals("early")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--join must be late or early, not '" + join + "'");
    }
    Hyper h = new Hyper(hidden, d.hyper().embed(), layers, d.hyper().head1(), d.hyper().head2(), ConfigFeatures.WIDTH,
        join.equals("early"));
    Trainer.Options o = new Trainer.Options(task, split, epochs, seed, hybrid, d.batchKernels(), d.configsPerKernel(),
        d.learningRate(), rankWeight, d.patience(), h, maxKernels);
    PrintWriter console = spec.commandLine().getOut();
    Trainer.train(data, o, out, resume, line -> {
      console.println(line);
      console.flush();
    });
    return 0;
  }
}
