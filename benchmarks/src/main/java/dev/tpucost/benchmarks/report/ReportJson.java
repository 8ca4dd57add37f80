package dev.tpucost.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.corpus.evaluation.Evaluator;
import java.util.Map;

/**
 * An evaluation as JSON: {@code {"split", "samples", "models": {NAME: {"tile": {...}, "fusion": {...},
 * "per_family": {FAMILY: {"tile", "fusion"}}}}}}. Slowdowns, APE and MAPE are fractions (0.015 = 1.5%);
 * a metric with no kernels to average is {@code null}.
 */
public final class ReportJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportJson() {}

  /** The JSON tree of {@code r}. */
  public static ObjectNode of(Evaluator.Report r) {
    ObjectNode n = JSON.createObjectNode().put("split", r.split()).put("part", r.part()).put("samples", r.samples());
    ObjectNode models = n.putObject("models");
    for (Map.Entry<String, Evaluator.Scores> e : r.overall().entrySet()) {
      ObjectNode m = models.putObject(e.getKey());
      scores(m, e.getValue());
      ObjectNode fam = m.putObject("per_family");
      r.perFamily().get(e.getKey()).forEach((f, s) -> scores(fam.putObject(f), s));
    }
    return n;
  }

  private static void scores(ObjectNode m, Evaluator.Scores s) {
    ObjectNode tile = m.putObject("tile").put("kernel_count", s.tileKernels()).put("program_count", s.programCount());
    put(tile, "kendall_tau", s.kendallTau());
    put(tile, "top1_slowdown", s.top1Slowdown());
    put(tile, "top5_slowdown", s.top5Slowdown());
    put(tile, "top10_slowdown", s.top10Slowdown());
    put(tile, "tile_ape", s.tileApe());
    ObjectNode fusion = m.putObject("fusion").put("kernel_count", s.fusionKernels());
    put(fusion, "mape", s.fusionMape());
    put(fusion, "kendall_tau", s.fusionKendallTau());
    put(fusion, "program_total_ape", s.programTotalApe());
  }

  private static void put(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }
}
