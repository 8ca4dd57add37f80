package dev.tpucost.accuracy.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.corpus.evaluation.Evaluator;
import java.util.Map;

/**
 * An evaluation as JSON: {@code {"split", "part", "samples", "ground_truth", "models": {NAME: {"tile": {...},
 * "fusion": {...}, "runtime": {"mape", "sample_mape"}, "interval" (models with intervals): {"samples",
 * "nominal_coverage", "coverage", "geomean_high_over_low"}, "per_family": {FAMILY: {...}}, "per_kernel": [{"program",
 * "kernel", "configs", "kendall_tau", "top1_slowdown", "default_top1_slowdown", "runtime_mape"}]}}}}.
 * Slowdowns, APE and MAPE are fractions (0.015 = 1.5%); a metric with no kernels to average is {@code null}.
 */
public final class ReportJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportJson() {}

  /** The JSON tree of {@code r}. */
  public static ObjectNode of(Evaluator.Report r) {
    ObjectNode n = JSON.createObjectNode().put("split", r.split()).put("part", r.part()).put("samples", r.samples())
        .put("ground_truth", r.groundTruth());
    ObjectNode models = n.putObject("models");
    for (Map.Entry<String, Evaluator.Scores> e : r.overall().entrySet()) {
      ObjectNode m = models.putObject(e.getKey());
      scores(m, e.getValue());
      ObjectNode fam = m.putObject("per_family");
      r.perFamily().get(e.getKey()).forEach((f, s) -> scores(fam.putObject(f), s));
      var kernels = m.putArray("per_kernel");
      for (Evaluator.KernelResult k : e.getValue().kernels()) {
        ObjectNode kn = kernels.addObject().put("program", k.program()).put("kernel", k.kernel()).put("configs", k.configs());
        put(kn, "kendall_tau", k.kendallTau());
        put(kn, "top1_slowdown", k.top1Slowdown());
        put(kn, "default_top1_slowdown", k.defaultTop1Slowdown());
        put(kn, "runtime_mape", k.runtimeMape());
      }
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
    ObjectNode runtime = m.putObject("runtime");
    put(runtime, "mape", s.runtimeMape());
    put(runtime, "sample_mape", s.sampleMape());
    put(tile, "default_top1_slowdown", s.defaultTop1Slowdown());
    if (s.intervalSamples() > 0) {
      ObjectNode interval = m.putObject("interval").put("samples", s.intervalSamples());
      put(interval, "nominal_coverage", s.intervalLevel());
      put(interval, "coverage", s.intervalCoverage());
      put(interval, "geomean_high_over_low", s.intervalWidth());
    }
  }

  private static void put(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }
}
