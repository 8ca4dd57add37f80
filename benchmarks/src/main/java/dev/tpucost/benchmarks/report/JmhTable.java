package dev.tpucost.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JMH's JSON results as a markdown table headed by the machine they ran on (CPU model, logical CPUs, JVM).
 * {@code java -cp benchmarks.jar dev.tpucost.benchmarks.report.JmhTable jmh.json jmh.md}.
 */
public final class JmhTable {
  private JmhTable() {}

  /** Converts {@code args[0]} (JMH JSON) into {@code args[1]} (markdown). */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: JmhTable JMH.json OUT.md");
      System.exit(2);
    }
    Path in = Path.of(args[0]);
    String md = markdown(new ObjectMapper().readTree(in.toFile()), machine(), in.toString());
    dev.tpucost.api.io.AtomicFiles.writeString(Path.of(args[1]), md);
    System.out.print(md);
  }

  /** The table for JMH's result array {@code results}; {@code machine} heads it. */
  static String markdown(JsonNode results, String machine, String source) {
    if (!results.isArray()) {
      throw new IllegalArgumentException(source + ": not JMH JSON output (expected an array of results)");
    }
    StringBuilder b = new StringBuilder();
    b.append("Machine: ").append(machine).append("\n\n");
    b.append("| benchmark | parameters | mode | score | error (99.9%) | unit |\n|---|---|---|---:|---:|---|\n");
    for (JsonNode r : results) {
      String name = r.path("benchmark").asText();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      List<String> params = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = r.path("params").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        String v = p.getValue().asText();
        params.add(p.getKey() + "=" + (v.contains("/") ? v.substring(v.lastIndexOf('/') + 1) : v));
      }
      JsonNode m = r.path("primaryMetric");
      b.append("| ").append(name).append(" | ").append(String.join(", ", params)).append(" | ").append(r.path("mode").asText())
          .append(" | ").append(num(m.path("score").asDouble())).append(" | ").append(num(m.path("scoreError").asDouble()))
          .append(" | ").append(m.path("scoreUnit").asText()).append(" |\n");
    }
    return b.toString();
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    return a >= 1000 ? String.format("%,.0f", v) : a >= 10 ? String.format("%.1f", v) : String.format("%.3f", v);
  }

  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: keep "unknown CPU"
    }
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " logical CPUs, " + System.getProperty("java.vm.name")
        + " " + System.getProperty("java.vm.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }
}
