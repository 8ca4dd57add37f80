package dev.tpucost.analytical;

import dev.tpucost.api.chip.ChipSpec;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The analytical model's eleven constants for one chip. Time in cycles is
 *
 * <pre>
 *   mxu     = mxu_efficiency * (streamed rows + mxu_fill * passes)
 *   vpu     = vpu_efficiency * (elementwise vreg ops + move_cost * data-movement vregs)
 *   eup     = eup_cost * transcendental vregs
 *   xlu     = xlu_cost * cross-lane vregs
 *   compute = max(mxu, vpu, eup, xlu)
 *   memory  = spill * memory_efficiency * bytes / (HBM bytes per cycle) + dma_cost * DMA transfers
 *   total   = compute + memory - overlap / spill * min(compute, memory) + step_cost * steps + launch_cost
 * </pre>
 *
 * (the overlap blend of XLA's GPU model, {@code compute + memory - 0.95 min}; {@code spill} is 1 unless the
 * working set exceeds VMEM), evaluated by {@link dev.tpucost.api.tile.TileQuantities#cycles} on the
 * closed-form quantities of the tile. Calibration fits all
 * eleven within {@link #LOWER}..{@link #UPPER}.
 *
 * @param chip chip the constants were fitted for
 * @param launchCost cycles per kernel launch
 * @param stepCost cycles per grid step
 * @param overlap share of the smaller of compute and memory hidden behind the larger (0..1)
 * @param mxuFill cycles per MXU pass beyond its streamed rows (weight load, fill, drain)
 * @param mxuEfficiency multiplier on MXU cycles
 * @param vpuEfficiency multiplier on VPU cycles per vreg op
 * @param moveCost VPU cost of a data-movement vreg relative to an elementwise one
 * @param eupCost cycles per transcendental vreg
 * @param xluCost cycles per cross-lane (reduction, transpose) vreg
 * @param memoryEfficiency multiplier on ideal HBM transfer cycles (1 = peak bandwidth)
 * @param dmaCost cycles per DMA transfer (issue, latency not hidden)
 */
public record Constants(
    String chip,
    double launchCost,
    double stepCost,
    double overlap,
    double mxuFill,
    double mxuEfficiency,
    double vpuEfficiency,
    double moveCost,
    double eupCost,
    double xluCost,
    double memoryEfficiency,
    double dmaCost) {

  /** Constant names, in {@link #values()} order, as in constants files. */
  public static final List<String> NAMES = List.of("launch_cost", "step_cost", "overlap", "mxu_fill", "mxu_efficiency",
      "vpu_efficiency", "move_cost", "eup_cost", "xlu_cost", "memory_efficiency", "dma_cost");

  /** Lower bounds used by calibration. */
  public static final double[] LOWER = {50, 5, 0.01, 1, 0.1, 0.05, 0.01, 0.1, 0.05, 0.5, 1};

  /** Upper bounds used by calibration. */
  public static final double[] UPPER = {50_000, 5_000, 0.99, 5_000, 5, 50, 20, 100, 100, 10, 10_000};

  /** Writes constants files; created on first use (an ObjectMapper costs 150+ ms of class loading). */
  private static final class Writer {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** Validates every constant against its bounds. */
  public Constants {
    double[] v = {launchCost, stepCost, overlap, mxuFill, mxuEfficiency, vpuEfficiency, moveCost, eupCost, xluCost,
        memoryEfficiency, dmaCost};
    for (int i = 0; i < v.length; i++) {
      checkArgument(Double.isFinite(v[i]) && v[i] >= LOWER[i] && v[i] <= UPPER[i],
          "%s = %s is outside [%s, %s]", NAMES.get(i), v[i], LOWER[i], UPPER[i]);
    }
  }

  /**
   * Uncalibrated priors from public figures: ~2k-cycle kernel floor and ~0.35 us per grid step (XLA:TPU,
   * Pallas on v5e), weight load R cycles plus drain per MXU pass, peak bandwidth.
   */
  public static Constants priors(String chip) {
    return of(chip, dev.tpucost.api.tile.TileQuantities.PRIOR_WEIGHTS);
  }

  /** The constants as an array, in {@link #NAMES} order. */
  public double[] values() {
    return new double[] {launchCost, stepCost, overlap, mxuFill, mxuEfficiency, vpuEfficiency, moveCost, eupCost,
        xluCost, memoryEfficiency, dmaCost};
  }

  /** Constants from an array in {@link #NAMES} order. */
  public static Constants of(String chip, double[] v) {
    return new Constants(chip, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
  }

  /**
   * Format version written by {@link #toJson}; versions 1 (no checksum) and 2 (a SHA-256 instead of the
   * CRC-32C) are still read.
   */
  public static final int FORMAT_VERSION = 3;

  /**
   * The constants file JSON: {@code {"format_version": 3, "chip": .., "constants": {name: value}, "crc32c":
   * ..}}, the checksum taken over the chip and the constants so that a damaged file is refused rather than
   * read as other numbers. CRC-32C (the JDK's, intrinsic) detects damage as well as version 2's SHA-256 did
   * and costs nothing at start-up, where the first SHA-256 cost 55-70 ms (the security providers' start-up).
   */
  public String toJson() {
    ObjectNode n = Writer.JSON.createObjectNode();
    n.put("format_version", FORMAT_VERSION);
    n.put("chip", chip);
    ObjectNode c = n.putObject("constants");
    double[] v = values();
    for (int i = 0; i < v.length; i++) {
      c.put(NAMES.get(i), v[i]);
    }
    n.put("crc32c", crc32c(chip, v));
    try {
      return Writer.JSON.writeValueAsString(n) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a constants file; {@code source} names it in errors. */
  public static Constants parse(String json, String source) {
    JsonNode n;
    try {
      n = dev.tpucost.api.io.JsonTrees.parse(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": not valid JSON: " + dev.tpucost.api.io.JsonTrees.describe(e), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(source + ": a constants file is a JSON object");
    }
    int version = n.path("format_version").asInt(-1);
    if (version < 1 || version > FORMAT_VERSION) {
      throw new IllegalArgumentException(source + ": format_version " + n.path("format_version")
          + " is not supported (this tpucost reads versions 1 to " + FORMAT_VERSION + ")");
    }
    JsonNode c = n.path("constants");
    double[] v = new double[NAMES.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode x = c.get(NAMES.get(i));
      if (x == null || !x.isNumber()) {
        throw new IllegalArgumentException(source + ": constants." + NAMES.get(i) + " is missing or not a number");
      }
      v[i] = x.asDouble();
    }
    String chip = n.path("chip").asText("");
    boolean intact = switch (version) {
      case 1 -> true;
      case 2 -> sha256(chip, v).equals(n.path("sha256").asText());
      default -> crc32c(chip, v).equals(n.path("crc32c").asText());
    };
    if (!intact) {
      throw new IllegalArgumentException(source + ": checksum mismatch; the constants file is corrupt");
    }
    try {
      return of(chip, v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  /** The checked text: the chip and the constants' exact values (their shortest round-trip decimal forms). */
  private static byte[] checkedText(String chip, double[] v) {
    StringBuilder b = new StringBuilder(chip);
    for (int i = 0; i < v.length; i++) {
      b.append('\n').append(NAMES.get(i)).append('=').append(Double.toString(v[i]));
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Version 2's checksum: SHA-256 of {@link #checkedText}, in hex. */
  private static String sha256(String chip, double[] v) {
    return com.google.common.hash.Hashing.sha256().hashBytes(checkedText(chip, v)).toString();
  }

  /** CRC-32C of {@link #checkedText}, eight hex digits. */
  private static String crc32c(String chip, double[] v) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(checkedText(chip, v));
    return String.format("%08x", crc.getValue());
  }

  /** Reads a constants file. */
  public static Constants load(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /** Writes this as a constants file, atomically. */
  public void save(Path file) throws IOException {
    dev.tpucost.api.io.AtomicFiles.writeString(file, toJson());
  }

  /** The constants shipped for preset {@code chip}, if there are any. */
  public static java.util.Optional<Constants> shipped(String chip) {
    return resource("constants-" + chip + ".json");
  }

  /**
   * The constants the learned models' features take for preset {@code chip} ({@link AnalyticalModel#tileFeatures}):
   * the ones they were trained with, fitted with the megacore's cores sharing the grid evenly. The same as
   * {@link #shipped} but on a megacore (v4), whose predicting constants were fitted again when the analytical model
   * learnt how the cores split the output tiles (December 2026); a model trained on the features must keep seeing
   * the same ones.
   */
  public static java.util.Optional<Constants> shippedForFeatures(String chip) {
    java.util.Optional<Constants> kept = resource("features/constants-" + chip + ".json");
    return kept.isPresent() ? kept : shipped(chip);
  }

  private static java.util.Optional<Constants> resource(String resource) {
    try (InputStream in = Constants.class.getResourceAsStream(resource)) {
      if (in == null) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read shipped " + resource, e);
    }
  }

  /**
   * The presets' shipped constants interpolated for {@code chip}: weighted by the inverse distance of their
   * figures to the chip's ({@link ChipSpec#figureDistance}; a preset's own figures give its constants within
   * 1% of the presets' spread). A convex combination of in-range constants is in range. What a chip without constants of its own
   * gets: the calibrated presets' behaviour, nearest first, not the uncalibrated priors.
   *
   * <p>Each preset's constants fitted under the target's model of its cores: for a megacore, those the presets
   * predict with ({@link #shipped}: v4's fitted for its busiest core); for any other chip, v4's fitted with its two
   * cores pooled as one ({@link #shippedForFeatures}), which is how a single-core chip is costed. (Interpolating
   * v4's busiest-core constants into chips that are not megacores raised their fusion MAPE by 1–3 points on four
   * chip files without constants of their own, and left their ranking as it was.)
   */
  public static Constants interpolated(ChipSpec chip, java.util.Collection<ChipSpec> presets) {
    return interpolated(chip, presets, chip.coresPerDevice() > 1 ? Constants::shipped : Constants::shippedForFeatures);
  }

  /** {@link #interpolated} of the presets' {@link #shippedForFeatures} constants. */
  public static Constants interpolatedForFeatures(ChipSpec chip, java.util.Collection<ChipSpec> presets) {
    return interpolated(chip, presets, Constants::shippedForFeatures);
  }

  private static Constants interpolated(ChipSpec chip, java.util.Collection<ChipSpec> presets,
      java.util.function.Function<String, java.util.Optional<Constants>> shipped) {
    return of(chip.name(), chip.interpolate(presets, p -> shipped.apply(p.name()).orElseThrow(
        () -> new IllegalArgumentException("no constants are shipped for " + p.name())).values()));
  }

  /** The constants by name ({@link #NAMES}), as a chip file's {@code analytical} section holds them. */
  public java.util.Map<String, Double> toMap() {
    java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
    double[] v = values();
    for (int i = 0; i < v.length; i++) {
      m.put(NAMES.get(i), v[i]);
    }
    return m;
  }

  /** The constants of a chip file's {@code analytical} section: every name of {@link #NAMES}, nothing else. */
  public static Constants fromMap(String chip, java.util.Map<String, Double> section) {
    for (String k : section.keySet()) {
      checkArgument(NAMES.contains(k), "analytical.%s is not an analytical constant (%s)", k, NAMES);
    }
    double[] v = new double[NAMES.size()];
    for (int i = 0; i < v.length; i++) {
      Double x = section.get(NAMES.get(i));
      checkArgument(x != null, "analytical.%s is missing (a chip file's analytical section gives all of %s)", NAMES.get(i),
          NAMES);
      v[i] = x;
    }
    return of(chip, v);
  }
}
