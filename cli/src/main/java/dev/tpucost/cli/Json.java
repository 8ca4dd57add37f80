package dev.tpucost.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.api.tile.TileConfig;
import java.io.PrintWriter;

/**
 * The one JSON writer of the command line. Every command's {@code --format json} prints exactly one JSON
 * document (so {@code json.load} reads it), keys in snake_case with their unit in the name
 * ({@code predicted_ns}, {@code cycles}), and a tile always as {@link #tile}: the notation string and its
 * bounds arrays.
 */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static String line(Object node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Prints {@code document}, the command's whole output, on one line. */
  static void print(PrintWriter out, com.fasterxml.jackson.databind.JsonNode document) {
    out.println(line(document));
    out.flush();
  }

  /**
   * A tile as every command writes it: {@code {"notation": "8,128/8,128", "kernel_bounds": [8, 128],
   * "output_bounds": [8, 128], "input_bounds": [], "iteration_bounds": []}} (empty arrays: not given).
   */
  static ObjectNode tile(TileConfig t) {
    ObjectNode n = object().put("notation", t.toString());
    bounds(n.putArray("kernel_bounds"), t.kernelBounds());
    bounds(n.putArray("output_bounds"), t.outputBounds());
    bounds(n.putArray("input_bounds"), t.inputBounds());
    bounds(n.putArray("iteration_bounds"), t.iterationBounds());
    return n;
  }

  private static void bounds(ArrayNode a, long[] values) {
    for (long v : values) {
      a.add(v);
    }
  }

  /** Puts {@code interval} as {@code "interval": {"low_ns", "high_ns", "coverage"}} into {@code n}, if present. */
  static void interval(ObjectNode n, java.util.Optional<dev.tpucost.api.model.Interval> interval) {
    interval.ifPresent(i -> n.putObject("interval").put("low_ns", i.lowNs()).put("high_ns", i.highNs())
        .put("coverage", i.coverage()));
  }

  /** An interval as table text in microseconds ({@code 1.234-5.678}), or {@code -}. */
  static String intervalUs(java.util.Optional<dev.tpucost.api.model.Interval> interval) {
    return interval.map(i -> String.format("%.3f-%.3f", i.lowNs() / 1e3, i.highNs() / 1e3)).orElse("-");
  }
}
