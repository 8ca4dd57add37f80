package dev.tpucost.cli;

import dev.tpucost.analytical.AnalyticalModel;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.gnn.GnnModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The model a command uses (picocli mixin): a registered one ({@code --model}), a file
 * ({@code --model-file}: a model trained by {@code tpucost train}, or analytical constants from
 * {@code tpucost calibrate}), or by default the most accurate one serving the chip ({@link #defaultFor}).
 */
final class ModelChoice {
  @Option(names = "--model", paramLabel = "NAME", description = {
      "A registered model (see tpucost models). Default: gnn on chips with a shipped learned model (v3, v4, and "
          + "chip files with their figures), the most accurate there against TPU v3 measurements and the simulator "
          + "(README, Accuracy); analytical on other chips."})
  String model;

  @Option(names = "--model-file", paramLabel = "[NAME=]FILE", description = {
      "A model file instead: a trained model (.zip, tpucost train) or analytical constants (.json, tpucost "
          + "calibrate); NAME (default: the file's name) labels it in the output."})
  String modelFile;

  /** The model to use on {@code chip}. */
  CostModel create(ChipSpec chip) throws IOException {
    if (modelFile != null) {
      if (model != null) {
        throw new IllegalArgumentException("give --model or --model-file, not both");
      }
      int eq = modelFile.indexOf('=');
      Path file = Path.of(eq > 0 ? modelFile.substring(eq + 1) : modelFile);
      String name = eq > 0 ? modelFile.substring(0, eq) : file.getFileName().toString();
      return load(name, file, chip);
    }
    return CostModels.create(model != null ? model : defaultFor(chip), chip);
  }

  /**
   * {@code gnn} where a learned model trained for the chip's figures is shipped (its accuracy against
   * measurements is known), else {@code analytical} (a chip-conditioned model serves other chips on request).
   */
  static String defaultFor(ChipSpec chip) {
    return GnnModel.hasShippedForFigures("gnn", chip) ? "gnn" : "analytical";
  }

  /** A model file, told apart by its content: a zip is a trained model, JSON analytical constants. */
  static CostModel load(String name, Path file, ChipSpec chip) throws IOException {
    return kindOf(file) == FileKind.TRAINED ? GnnModel.load(file, chip, name)
        : AnalyticalModel.load(file, chip).withName(name);
  }

  /** What a model file holds. */
  enum FileKind {
    /** A trained model (a zip from {@code tpucost train}). */
    TRAINED,
    /** Analytical constants (JSON from {@code tpucost calibrate}). */
    CONSTANTS
  }

  /** What {@code file} holds, by its first bytes; a directory, a missing file or anything else is refused by name. */
  static FileKind kindOf(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + ": is a directory, not a model file");
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(2);
    }
    if (head.length == 2 && head[0] == 'P' && head[1] == 'K') {
      return FileKind.TRAINED;
    }
    if (head.length >= 1 && (head[0] == '{' || Character.isWhitespace(head[0]))) {
      return FileKind.CONSTANTS;
    }
    throw new IllegalArgumentException(file + ": not a model file (a .zip from tpucost train or a constants .json from"
        + " tpucost calibrate)");
  }
}
