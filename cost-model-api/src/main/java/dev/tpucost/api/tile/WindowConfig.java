package dev.tpucost.api.tile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tpucost.api.hlo.HloValidationException;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The tile configuration XLA:TPU chose for a kernel, as its after-optimization dumps record it in the
 * {@code window_config} of a fusion's (or copy's, convert's) {@code backend_config} JSON:
 * {@code kernel_window_bounds}, {@code output_window_bounds}, {@code input_window_bounds} and
 * {@code iteration_bounds} (string lists in tile-config units), {@code buffering_level}, and the compiler's
 * own cost estimate {@code estimated_cycles} (TensorCore cycles; 0 means none) with its
 * {@code cost_model_type}, {@code ml_estimated_microseconds} and {@code estimated_vmem_bytes}.
 *
 * @param tile the bounds as a tile configuration
 * @param bufferingLevel buffers per block (2 = double-buffered); {@link TileFootprint#DEFAULT_BUFFERING}
 *     when absent
 * @param estimatedCycles XLA:TPU's estimate of the kernel's cycles, if it gave one
 * @param costModelType which XLA:TPU cost model made the estimate (empty if not stated)
 * @param mlEstimatedMicroseconds XLA:TPU's learned model's estimate, if it gave one
 * @param estimatedVmemBytes XLA:TPU's estimate of the kernel's VMEM use, if it gave one
 */
public record WindowConfig(
    TileConfig tile,
    int bufferingLevel,
    OptionalLong estimatedCycles,
    String costModelType,
    OptionalDouble mlEstimatedMicroseconds,
    OptionalLong estimatedVmemBytes) {
  /**
   * The window config the compiler recorded for {@code kernel}, if its backend config holds one.
   *
   * @throws HloValidationException naming the kernel and the field when the window config is malformed
   */
  public static Optional<WindowConfig> of(dev.tpucost.api.kernel.Kernel kernel) {
    return fromBackendConfig(kernel.backendConfig().orElse(null), "kernel '" + kernel.name() + "'");
  }

  /**
   * The window config in a {@code backend_config}, if it holds one. A backend config that is not JSON, or
   * JSON without {@code window_config}, has none.
   *
   * @param where names the instruction in errors, e.g. {@code fusion 'fusion.94'}
   * @throws HloValidationException naming {@code where} and the field when a window config is malformed
   */
  public static Optional<WindowConfig> fromBackendConfig(String backendConfig, String where) {
    if (backendConfig == null || !backendConfig.contains("window_config")) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = dev.tpucost.api.io.JsonTrees.parse(backendConfig);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    JsonNode w = root == null ? null : root.get("window_config");
    if (w == null || !w.isObject()) {
      return Optional.empty();
    }
    TileConfig tile;
    try {
      tile = TileConfig.of(bounds(w, "kernel_window_bounds", where), bounds(w, "output_window_bounds", where),
          bounds(w, "input_window_bounds", where), bounds(w, "iteration_bounds", where));
    } catch (InvalidTileException e) {
      throw new HloValidationException(where + ": backend_config window_config: " + e.getMessage());
    }
    int buffering = (int) number(w, "buffering_level", where).orElse(TileFootprint.DEFAULT_BUFFERING);
    if (buffering < 1) {
      buffering = TileFootprint.DEFAULT_BUFFERING;
    }
    OptionalLong cycles = number(w, "estimated_cycles", where);
    OptionalLong vmem = number(w, "estimated_vmem_bytes", where);
    OptionalDouble ml = OptionalDouble.empty();
    JsonNode mlNode = w.get("ml_estimated_microseconds");
    if (mlNode != null && mlNode.isNumber() && mlNode.asDouble() > 0) {
      ml = OptionalDouble.of(mlNode.asDouble());
    }
    return Optional.of(new WindowConfig(tile, buffering,
        cycles.isPresent() && cycles.getAsLong() > 0 ? cycles : OptionalLong.empty(),
        w.path("cost_model_type").asText(""), ml,
        vmem.isPresent() && vmem.getAsLong() > 0 ? vmem : OptionalLong.empty()));
  }

  private static long[] bounds(JsonNode w, String field, String where) {
    JsonNode list = w.get(field);
    if (list == null || list.isNull()) {
      return new long[0];
    }
    if (!list.isArray()) {
      throw new HloValidationException(where + ": backend_config window_config." + field + " is not a list");
    }
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = parseLong(list.get(i), where, "window_config." + field + "[" + i + "]");
    }
    return out;
  }

  private static OptionalLong number(JsonNode w, String field, String where) {
    JsonNode n = w.get(field);
    if (n == null || n.isNull()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(parseLong(n, where, "window_config." + field));
  }

  /** XLA prints int64 fields of proto JSON as strings ("12"), int32 as numbers (2). */
  private static long parseLong(JsonNode n, String where, String field) {
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isTextual()) {
      try {
        return Long.parseLong(n.asText().trim());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw new HloValidationException(where + ": backend_config " + field + " is " + n + ", not a whole number");
  }
}
