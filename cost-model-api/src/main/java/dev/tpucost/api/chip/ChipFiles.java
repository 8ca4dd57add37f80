package dev.tpucost.api.chip;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Chip files: JSON objects with snake_case keys, one per {@link ChipSpec} field ({@code name},
 * {@code tensor_cores}, {@code megacore}, {@code mxus_per_core}, {@code mxu_rows}, {@code mxu_cols},
 * {@code clock_ghz}, {@code vpu_sublanes}, {@code vpu_lanes}, {@code vpu_alus}, {@code vmem_bytes},
 * {@code smem_bytes}, {@code hbm_bytes}, {@code hbm_gbps}, {@code dma_engines}). A file may say
 * {@code "base": "v4"} and give only the keys it overrides; without a base every key is required.
 * Unknown keys are errors (a misspelt key must not be silently ignored). An optional {@code simulator}
 * object holds the simulator's calibrated constants for the chip ({@code tpucost calibrate --target sim}
 * writes it; numbers only, the simulator checks their names), making the file a chip calibration file; an
 * optional {@code analytical} object likewise holds the analytical model's constants for it.
 */
public final class ChipFiles {
  /** Writes chip files; created on first use (an ObjectMapper costs 150+ ms of class loading). */
  private static final class Writer {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  private static final com.fasterxml.jackson.databind.node.JsonNodeFactory NODES =
      com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;

  /** The keys of a chip file, in the order {@link #toJson} writes them. */
  public static final List<String> KEYS = List.of(
      "name", "tensor_cores", "megacore", "mxus_per_core", "mxu_rows", "mxu_cols", "clock_ghz", "vpu_sublanes",
      "vpu_lanes", "vpu_alus", "vmem_bytes", "smem_bytes", "hbm_bytes", "hbm_gbps", "dma_engines");

  /** The optional key of the simulator's constants. */
  public static final String SIMULATOR = "simulator";

  /** The optional key of the analytical model's constants. */
  public static final String ANALYTICAL = "analytical";

  private ChipFiles() {}

  /**
   * Resolves what a {@code --chip} option says: a preset name, or the path of a chip file.
   *
   * @throws ChipFileException naming the presets when {@code nameOrPath} is neither
   */
  public static ChipSpec resolve(String nameOrPath) {
    var preset = ChipSpec.preset(nameOrPath);
    if (preset.isPresent()) {
      return preset.get();
    }
    Path p = Path.of(nameOrPath);
    if (!Files.exists(p)) {
      throw new ChipFileException(
          "'" + nameOrPath + "' is neither a chip preset " + ChipSpec.presets().keySet() + " nor an existing chip file");
    }
    return load(p);
  }

  /** Reads a chip file. */
  public static ChipSpec load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ChipFileException(file + ": no such chip file", e);
    } catch (IOException e) {
      throw new ChipFileException(file + ": cannot read chip file: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses chip-file JSON; {@code source} names it in error messages. */
  public static ChipSpec parse(String json, String source) {
    JsonNode root;
    try {
      root = dev.tpucost.api.io.JsonTrees.parse(json);
    } catch (JsonProcessingException e) {
      throw new ChipFileException(source + ": not valid JSON: " + dev.tpucost.api.io.JsonTrees.describe(e), e);
    }
    return fromTree(root, source);
  }

  /** A chip from chip-file JSON already parsed (e.g. the {@code chip} object inside a model file). */
  public static ChipSpec fromTree(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new ChipFileException(source + ": a chip file must be a JSON object");
    }
    Set<String> allowed = new LinkedHashSet<>(KEYS);
    allowed.add("base");
    allowed.add(SIMULATOR);
    allowed.add(ANALYTICAL);
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new ChipFileException(source + ": unknown key '" + key + "'; chip files take " + allowed);
      }
    }
    ObjectNode merged;
    JsonNode base = root.get("base");
    if (base != null) {
      if (!base.isTextual()) {
        throw new ChipFileException(source + ": 'base' must be a preset name " + ChipSpec.presets().keySet());
      }
      ChipSpec b = ChipSpec.preset(base.asText()).orElseThrow(() -> new ChipFileException(
          source + ": 'base' is '" + base.asText() + "', not a preset " + ChipSpec.presets().keySet()));
      merged = toJsonNode(b);
    } else {
      merged = NODES.objectNode();
    }
    root.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("base") && !e.getKey().equals(SIMULATOR) && !e.getKey().equals(ANALYTICAL)) {
        merged.set(e.getKey(), e.getValue());
      }
    });
    for (String key : KEYS) {
      if (!merged.has(key) || merged.get(key).isNull()) {
        throw new ChipFileException(source + ": missing key '" + key + "' (give it, or name a 'base' preset)");
      }
    }
    try {
      return new ChipSpec(
          text(merged, "name", source),
          integer(merged, "tensor_cores", source),
          bool(merged, "megacore", source),
          integer(merged, "mxus_per_core", source),
          integer(merged, "mxu_rows", source),
          integer(merged, "mxu_cols", source),
          number(merged, "clock_ghz", source),
          integer(merged, "vpu_sublanes", source),
          integer(merged, "vpu_lanes", source),
          integer(merged, "vpu_alus", source),
          longInteger(merged, "vmem_bytes", source),
          longInteger(merged, "smem_bytes", source),
          longInteger(merged, "hbm_bytes", source),
          number(merged, "hbm_gbps", source),
          integer(merged, "dma_engines", source),
          numbers(root.get(SIMULATOR), SIMULATOR, source),
          numbers(root.get(ANALYTICAL), ANALYTICAL, source));
    } catch (IllegalArgumentException e) {
      if (e instanceof ChipFileException) {
        throw e;
      }
      throw new ChipFileException(source + ": " + e.getMessage(), e);
    }
  }

  /** The chip file JSON of {@code chip}, every key given. */
  public static String toJson(ChipSpec chip) {
    try {
      return Writer.JSON.writeValueAsString(toJsonNode(chip)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise chip " + chip.name(), e);
    }
  }

  /** Writes {@code chip} to {@code file} atomically (temporary file, then rename). */
  public static void save(ChipSpec chip, Path file) throws IOException {
    dev.tpucost.api.io.AtomicFiles.writeString(file, toJson(chip));
  }

  /** A section of named numbers ({@code simulator}, {@code analytical}); empty if absent. */
  private static java.util.Map<String, Double> numbers(JsonNode n, String section, String source) {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isObject()) {
      throw new ChipFileException(source + ": '" + section + "' must be an object of numbers, got " + n);
    }
    n.fields().forEachRemaining(e -> {
      if (!e.getValue().isNumber()) {
        throw new ChipFileException(source + ": '" + section + "." + e.getKey() + "' must be a number, got " + e.getValue());
      }
      out.put(e.getKey(), e.getValue().asDouble());
    });
    return out;
  }

  private static ObjectNode toJsonNode(ChipSpec c) {
    ObjectNode n = NODES.objectNode();
    n.put("name", c.name());
    n.put("tensor_cores", c.tensorCores());
    n.put("megacore", c.megacore());
    n.put("mxus_per_core", c.mxusPerCore());
    n.put("mxu_rows", c.mxuRows());
    n.put("mxu_cols", c.mxuCols());
    n.put("clock_ghz", c.clockGhz());
    n.put("vpu_sublanes", c.vpuSublanes());
    n.put("vpu_lanes", c.vpuLanes());
    n.put("vpu_alus", c.vpuAlus());
    n.put("vmem_bytes", c.vmemBytes());
    n.put("smem_bytes", c.smemBytes());
    n.put("hbm_bytes", c.hbmBytes());
    n.put("hbm_gbps", c.hbmGbps());
    n.put("dma_engines", c.dmaEngines());
    if (!c.simulator().isEmpty()) {
      ObjectNode sim = n.putObject(SIMULATOR);
      c.simulator().forEach(sim::put);
    }
    if (!c.analytical().isEmpty()) {
      ObjectNode an = n.putObject(ANALYTICAL);
      c.analytical().forEach(an::put);
    }
    return n;
  }

  private static String text(JsonNode n, String key, String source) {
    JsonNode v = n.get(key);
    if (!v.isTextual()) {
      throw new ChipFileException(source + ": '" + key + "' must be a string, got " + v);
    }
    return v.asText();
  }

  private static boolean bool(JsonNode n, String key, String source) {
    JsonNode v = n.get(key);
    if (!v.isBoolean()) {
      throw new ChipFileException(source + ": '" + key + "' must be true or false, got " + v);
    }
    return v.asBoolean();
  }

  private static double number(JsonNode n, String key, String source) {
    JsonNode v = n.get(key);
    if (!v.isNumber()) {
      throw new ChipFileException(source + ": '" + key + "' must be a number, got " + v);
    }
    return v.asDouble();
  }

  private static long longInteger(JsonNode n, String key, String source) {
    JsonNode v = n.get(key);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new ChipFileException(source + ": '" + key + "' must be a whole number, got " + v);
    }
    return v.asLong();
  }

  private static int integer(JsonNode n, String key, String source) {
    JsonNode v = n.get(key);
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new ChipFileException(source + ": '" + key + "' must be a whole number below 2^31, got " + v);
    }
    return v.asInt();
  }
}
