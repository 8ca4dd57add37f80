package dev.tpucost.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.corpus.dataset.ChipVariants;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tpucost chips [CHIP...]}: the chip presets, or the given presets/chip files, as a table or JSON. */
@Command(
    name = "chips",
    mixinStandardHelpOptions = true,
    header = "Show chip descriptions: the presets or the given chip files.",
    description = {
      "Show chip descriptions: the presets (v2, v3, v4, v5e), or the given preset names and chip files.",
      "A chip file is JSON with snake_case keys; it may say \"base\": \"v4\" and override only some keys.",
      "Every --chip option elsewhere takes the same: a preset name or a chip file."
    })
final class ChipsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "CHIP", arity = "0..*", description = "Preset names or chip files (default: all presets).")
  List<String> chips = new ArrayList<>();

  @picocli.CommandLine.Mixin FormatOption output;

  @picocli.CommandLine.Option(names = "--variants", paramLabel = "N", description = "Instead, draw N random chips"
      + " around the presets (every figure varying, simulator and analytical constants interpolated from the presets'), write each"
      + " as a chip file into --out, and show them: training chips for 'train --chip-conditioned'.")
  Integer variants;

  @picocli.CommandLine.Option(names = "--around", split = ",", paramLabel = "PRESET", description = "With --variants:"
      + " vary only these presets, and interpolate only their constants (default: all; leave a preset out to hold"
      + " it out of training).")
  List<String> around = new ArrayList<>();

  @picocli.CommandLine.Option(names = "--seed", paramLabel = "SEED", defaultValue = "1",
      description = "Seed of --variants (default: ${DEFAULT-VALUE}).")
  long seed;

  @picocli.CommandLine.Option(names = "--spread", defaultValue = "1", paramLabel = "S", description = "With --variants:"
      + " widen the clock's and HBM bandwidth's ranges (factors 0.7^S-1.4^S and 0.6^S-2.0^S of the preset's; 1 to"
      + " 4, default: ${DEFAULT-VALUE}): farther chips, e.g. to calibrate a model on chips unlike its training chips.")
  double spread;

  @picocli.CommandLine.Option(names = "--hidden-spread", defaultValue = "1", paramLabel = "F", description = "With"
      + " --variants: multiply each variant's step overhead, MXU fill share and MXU scale (simulator constants its"
      + " figures do not tell) by factors drawn from 1/F to F (1 to 4, default: ${DEFAULT-VALUE}, interpolated"
      + " exactly): chips that behave unlike their figures suggest, as a real new chip does.")
  double hiddenSpread;

  @picocli.CommandLine.Option(names = "--stratified", description = "With --variants: deal the discrete figures"
      + " evenly (core arrangement 1 / 2 / 2 as a megacore, MXUs per core, VPU ALUs, VMEM: each value to about"
      + " N/k of the variants, in a seeded order) instead of drawing each independently; every other figure is the"
      + " same seed's.")
  boolean stratified;

  @picocli.CommandLine.Option(names = "--constants-from", split = ",", paramLabel = "PRESET", description = "Instead,"
      + " with one CHIP: write it to the chip file --out as a chip no calibration has seen, its analytical constants"
      + " interpolated from these presets only (its figures and simulator constants kept): to score a model trained"
      + " without CHIP leak-free, 'evaluate --chip FILE' on CHIP's dataset (the hybrid's base then owes nothing to"
      + " CHIP's fitted constants either).")
  List<String> constantsFrom = new ArrayList<>();

  @picocli.CommandLine.Option(names = "--out", paramLabel = "PATH", description = "Where --variants writes its chip"
      + " files (a directory) or --constants-from its chip file.")
  java.nio.file.Path out;

  @Override
  public Integer call() throws java.io.IOException {
    List<ChipSpec> list = new ArrayList<>();
    if (!constantsFrom.isEmpty()) {
      list.add(unseen());
    } else if (variants != null) {
      if (out == null || !chips.isEmpty()) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--variants needs --out DIR and takes no CHIP arguments");
      }
      if (!(spread >= ChipVariants.MIN_SPREAD && spread <= ChipVariants.MAX_SPREAD)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), String.format(java.util.Locale.ROOT,
            "--spread takes a number from %.0f to %.0f, not %s", ChipVariants.MIN_SPREAD, ChipVariants.MAX_SPREAD, spread));
      }
      if (!(hiddenSpread >= ChipVariants.MIN_HIDDEN_SPREAD && hiddenSpread <= ChipVariants.MAX_HIDDEN_SPREAD)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), String.format(java.util.Locale.ROOT,
            "--hidden-spread takes a number from %.0f to %.0f, not %s", ChipVariants.MIN_HIDDEN_SPREAD,
            ChipVariants.MAX_HIDDEN_SPREAD, hiddenSpread));
      }
      java.nio.file.Files.createDirectories(out);
      List<ChipSpec> presets = presets("--around", around);
      List<ChipSpec> from = presets.isEmpty() ? List.copyOf(ChipSpec.presets().values()) : presets;
      // The hidden constants from their own stream (seed + 1), so the figures are those of the same seed without it.
      for (ChipSpec v : ChipVariants.withHiddenSpread(ChipVariants.around(from, variants, seed, spread, stratified), hiddenSpread,
          seed + 1)) {
        // The analytical model's constants interpolated from the same presets as the simulator's: a held-out
        // preset's calibration reaches neither the labels nor the features of a model trained on these chips.
        ChipSpec c = v.withAnalytical(dev.tpucost.analytical.Constants.interpolated(v, from).toMap());
        ChipFiles.save(c, out.resolve(c.name() + ".json"));
        list.add(c);
      }
    } else if (chips.isEmpty()) {
      list.addAll(ChipSpec.presets().values());
    } else {
      for (String c : chips) {
        list.add(ChipFiles.resolve(c));
      }
    }
    PrintWriter console = spec.commandLine().getOut();
    if (output.json()) {
      ObjectNode doc = Json.object();
      var array = doc.putArray("chips");
      for (ChipSpec c : list) {
        ObjectNode n = (ObjectNode) readTree(ChipFiles.toJson(c));
        n.put("peak_bf16_tflops_per_chip", Math.round(c.peakFlopsPerChip() / 1e10) / 100.0);
        array.add(n);
      }
      Json.print(console, doc);
      return 0;
    }
    Table t = new Table("chip", "cores", "MXUs/core", "MXU", "clock GHz", "peak bf16 TFLOP/s", "HBM GB/s", "VMEM MiB");
    for (ChipSpec c : list) {
      t.row(c.name(), c.tensorCores() + (c.megacore() ? " (megacore)" : ""), c.mxusPerCore(),
          c.mxuRows() + "x" + c.mxuCols(), c.clockGhz(), String.format("%.1f", c.peakFlopsPerChip() / 1e12),
          String.format("%.0f", c.hbmGbps()), c.vmemBytes() >> 20);
    }
    t.print(console);
    return 0;
  }

  /** The presets {@code names} given to {@code option}, or a usage error naming the first unknown one. */
  private List<ChipSpec> presets(String option, List<String> names) {
    List<ChipSpec> presets = new ArrayList<>();
    for (String name : names) {
      presets.add(ChipSpec.preset(name).orElseThrow(() -> new picocli.CommandLine.ParameterException(
          spec.commandLine(), option + " takes preset names (" + String.join(", ", ChipSpec.presets().keySet())
          + "), not '" + name + "'")));
    }
    return presets;
  }

  /**
   * {@code --constants-from}: the one CHIP, named {@code NAME-unseen}, with its simulator constants written out
   * (a dataset made with the file is labelled as CHIP's) and its analytical constants interpolated from the
   * given presets, none of which may be CHIP itself; saved to {@code --out}.
   */
  private ChipSpec unseen() throws java.io.IOException {
    if (out == null || chips.size() != 1 || variants != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--constants-from takes one CHIP and --out FILE, and no --variants");
    }
    ChipSpec chip = ChipFiles.resolve(chips.get(0));
    List<ChipSpec> from = presets("--constants-from", constantsFrom);
    for (ChipSpec p : from) {
      if (p.sameHardware(chip)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--constants-from must leave "
            + chip.name() + " out: " + p.name() + " has its figures, so its constants are the ones fitted on it");
      }
    }
    ChipSpec c = chip.withName(chip.name() + "-unseen")
        .withSimulator(dev.tpucost.sim.SimCalibration.of(chip).toMap())
        .withAnalytical(dev.tpucost.analytical.Constants.interpolated(chip, from).toMap());
    if (out.getParent() != null) {
      java.nio.file.Files.createDirectories(out.getParent());
    }
    ChipFiles.save(c, out);
    return c;
  }

  private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
