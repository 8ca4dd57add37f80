package dev.tpucost.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tpucost} command: predicts how long compiled tensor kernels take on a TPU-like accelerator. */
@Command(
    name = "tpucost",
    mixinStandardHelpOptions = true,
    versionProvider = TpuCost.Version.class,
    description = "Learned and analytical performance models for TPU-like accelerators.",
    subcommands = {DemoCommand.class, InspectCommand.class, TrainCommand.class, PredictCommand.class, RankCommand.class, EvaluateCommand.class, CalibrateCommand.class, SimulateCommand.class, TilesCommand.class, DatasetCommand.class, DatasetInfoCommand.class, ChipsCommand.class, ModelsCommand.class, CommandLine.HelpCommand.class})
public final class TpuCost implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    // UTF-8 whatever the platform default: tables print µ, τ and ×.
    System.exit(run(new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true),
        new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true), args));
  }

  /** {@code --debug}, on every command: a stack trace with errors. */
  @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "On an error, also print its stack trace (for a bug report).")
  boolean debug;

  /**
   * Runs the command line with the given output streams; returns the exit code: 0, 1 for bad input or a
   * failure (one line on stderr naming the file and the line or field; a stack trace only with
   * {@code --debug}), 2 for a usage error.
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new TpuCost());
    // Commands' descriptions are written as lines of about 105 characters: a narrower width would break each line.
    // An option's is one paragraph, which picocli wraps to its column (ConventionsTest checks both).
    cl.setUsageHelpWidth(120);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("tpucost: " + message(e));
      if (java.util.Arrays.asList(args).contains("--debug")) {
        e.printStackTrace(commandLine.getErr());
      }
      commandLine.getErr().flush();
      return 1;
    });
    return cl.execute(args);
  }

  /** Why a file operation failed, in a few words: "no such file", "permission denied", the system's reason. */
  static String reason(java.nio.file.FileSystemException f) {
    return f instanceof java.nio.file.NoSuchFileException ? "no such file"
        : f instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
  }

  /** One line for an error: the path and the reason for a file error, the message for bad input. */
  static String message(Throwable e) {
    Throwable t = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
    if (t instanceof java.nio.file.FileSystemException f) {
      // A missing file, a directory, no permission: the path and the reason, in one line.
      return f.getFile() + ": " + reason(f);
    }
    if (t instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
      // JSON that reached here without its file named: still one line, without Jackson's source excerpt.
      return "not valid JSON: " + dev.tpucost.api.io.JsonTrees.describe(j);
    }
    if (t instanceof IllegalArgumentException || t instanceof IOException || t instanceof IllegalStateException
        || t instanceof dev.tpucost.hlo.HloParseException) {
      // Bad input (HloParseException names the file and the line or field path).
      return String.valueOf(t.getMessage());
    }
    return "internal error: " + t + " (run again with --debug for the stack trace, and report it)";
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version from the build, e.g. {@code tpucost 0.1.0-SNAPSHOT}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = TpuCost.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {
        "tpucost " + p.getProperty("version", "unknown"),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
