package dev.tpucost.accuracy.report;

import dev.tpucost.api.io.AtomicFiles;
import dev.tpucost.corpus.evaluation.Evaluator;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * An evaluation as one self-contained HTML page: the overall and per-family tables, and charts drawn with
 * XChart and embedded as base64 PNG: predicted against true runtime per model (log-log, with the diagonal;
 * the default tile per kernel on simulated data, every configuration on measured data), the cumulative distribution of the fusion task's per-kernel error, and per-family
 * bars of fusion MAPE and tile top-1 slowdown. The page loads nothing from elsewhere.
 */
public final class HtmlReport {
  /** Points drawn per scatter plot at most (an even stride through the kernels, so the same every run). */
  static final int MAX_POINTS = 4000;

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // charts are drawn off-screen; never open a display
    }
  }

  private HtmlReport() {}

  /** The page for {@code r}; {@code source} says where the data came from (a path or a description). */
  public static String html(Evaluator.Report r, String source) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tpucost evaluation: ")
        .append(esc(r.split())).append(" split</title>\n<style>")
        .append("body{font-family:sans-serif;max-width:1300px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append("th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}img{margin:4px;border:1px solid #eee}")
        .append("</style></head><body>\n");
    h.append("<h1>tpucost evaluation</h1>\n<p>").append(switch (r.split()) {
      case "all" -> "Every sample";
      case "kernel" -> "Leave-one-kernel-out (each kernel held out in turn, the models fitted on the others)";
      default -> "The <b>" + esc(r.part()) + "</b> part of the <b>" + esc(r.split()) + "</b> split";
    }).append(" of <code>").append(esc(source)).append("</code>: ").append(r.samples())
        .append(" (kernel, tile) samples, the same for every model. <b>Ground truth: ").append(esc(r.groundTruth()))
        .append("</b>.</p>\n");
    boolean measured = r.groundTruth().startsWith("measured");
    String truth = measured ? "measured" : "simulated";

    h.append("<h2>Overall</h2>\n<table id=\"overall\"><tr><th>model</th><th>tile kernels</th><th>tile Kendall τ</th>")
        .append("<th>top-1 slowdown</th><th>top-5</th><th>top-10</th><th>Tile-Size APE</th><th>fusion kernels</th>")
        .append("<th>fusion MAPE</th><th>fusion Kendall τ</th><th>program-total APE</th><th>runtime MAPE (every config)</th>")
        .append("</tr>\n");
    r.overall().forEach((name, s) -> h.append("<tr><td>").append(esc(name)).append("</td><td>").append(s.tileKernels())
        .append("</td><td>").append(f3(s.kendallTau())).append("</td><td>").append(pct(s.top1Slowdown()))
        .append("</td><td>").append(pct(s.top5Slowdown())).append("</td><td>").append(pct(s.top10Slowdown()))
        .append("</td><td>").append(pct(s.tileApe())).append("</td><td>").append(s.fusionKernels())
        .append("</td><td>").append(pct(s.fusionMape())).append("</td><td>").append(f3(s.fusionKendallTau()))
        .append("</td><td>").append(pct(s.programTotalApe())).append("</td><td>").append(pct(s.runtimeMape()))
        .append("</td></tr>\n"));
    h.append("</table>\n<p>Slowdowns: best true runtime among the model's top-k configs over the best of all, minus 1,")
        .append(" per kernel, averaged. Tile-Size APE: per program, the summed runtime of the configs the model ranks first")
        .append(" over the summed best, minus 1, averaged over programs. Fusion: the default tile's runtime.</p>\n");
    r.overall().forEach((name, s) -> {
      if (s.intervalSamples() > 0) {
        h.append("<p class=\"interval\"><b>").append(esc(name)).append("</b>: its ")
            .append(String.format("%.0f%%", 100 * s.intervalLevel())).append(" intervals hold ")
            .append(pct(s.intervalCoverage())).append(" of the ").append(truth).append(" runtimes (")
            .append(s.intervalSamples()).append(" samples; high/low ").append(String.format("%.2f", s.intervalWidth()))
            .append("×, geometric mean).</p>\n");
      }
    });

    if (measured || r.split().equals("kernel")) {
      perKernel(h, r);
    }
    h.append("<h2>Predicted against ").append(truth).append("</h2>\n<div>");
    r.overall().forEach((name, s) -> h.append(img(measured
        ? scatter(name + ": every configuration", s.samplePoints(), truth)
        : scatter(name + ": default tile, per kernel", s.fusionPoints(), truth), "scatter " + name)));
    h.append("</div>\n<h2>Error distribution</h2>\n<div>").append(img(errorCdf(r.overall()), "error CDF"))
        .append("</div>\n<h2>Per family</h2>\n<div>")
        .append(img(familyBars(r, "fusion MAPE (%)", Evaluator.Scores::fusionMape), "family fusion MAPE"))
        .append(img(familyBars(r, "tile top-1 slowdown (%)", Evaluator.Scores::top1Slowdown), "family top-1"))
        .append("</div>\n");

    h.append("<table id=\"per-family\"><tr><th>family</th><th>model</th><th>tile kernels</th><th>tile Kendall τ</th>")
        .append("<th>top-1 slowdown</th><th>Tile-Size APE</th><th>fusion MAPE</th><th>fusion Kendall τ</th></tr>\n");
    for (String family : families(r)) {
      r.perFamily().forEach((name, fams) -> {
        Evaluator.Scores s = fams.get(family);
        if (s != null) {
          h.append("<tr><td>").append(esc(family)).append("</td><td>").append(esc(name)).append("</td><td>")
              .append(s.tileKernels()).append("</td><td>").append(f3(s.kendallTau())).append("</td><td>")
              .append(pct(s.top1Slowdown())).append("</td><td>").append(pct(s.tileApe())).append("</td><td>")
              .append(pct(s.fusionMape())).append("</td><td>").append(f3(s.fusionKendallTau())).append("</td></tr>\n");
        }
      });
    }
    h.append("</table>\n</body></html>\n");
    return h.toString();
  }

  /** Writes the page to {@code out} atomically (a temporary file beside it, then a rename). */
  public static void write(Evaluator.Report r, String source, Path out) throws IOException {
    AtomicFiles.writeString(out, html(r, source));
  }

  /** Per kernel: its configurations, the default's top-1 slowdown (the baseline), and per model tau, top-1, MAPE. */
  private static void perKernel(StringBuilder h, Evaluator.Report r) {
    List<String> models = new ArrayList<>(r.overall().keySet());
    h.append("<h2>Per kernel</h2>\n<table id=\"per-kernel\"><tr><th>kernel</th><th>configs</th><th>default top-1</th>");
    for (String m : models) {
      h.append("<th>").append(esc(m)).append(" τ</th><th>").append(esc(m)).append(" top-1</th><th>").append(esc(m))
          .append(" runtime MAPE</th>");
    }
    h.append("</tr>\n");
    List<Evaluator.KernelResult> first = r.overall().get(models.get(0)).kernels();
    for (int i = 0; i < first.size(); i++) {
      Evaluator.KernelResult k0 = first.get(i);
      h.append("<tr><td>").append(esc(k0.kernel())).append("</td><td>").append(k0.configs()).append("</td><td>")
          .append(pct(k0.defaultTop1Slowdown())).append("</td>");
      for (String m : models) {
        Evaluator.KernelResult k = r.overall().get(m).kernels().get(i);
        h.append("<td>").append(f3(k.kendallTau())).append("</td><td>").append(pct(k.top1Slowdown())).append("</td><td>")
            .append(pct(k.runtimeMape())).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("<tr><th>mean over kernels</th><th></th><th>").append(pct(r.overall().get(models.get(0)).defaultTop1Slowdown()))
        .append("</th>");
    for (String m : models) {
      Evaluator.Scores s = r.overall().get(m);
      h.append("<th>").append(f3(s.kendallTau())).append("</th><th>").append(pct(s.top1Slowdown())).append("</th><th>")
          .append(pct(s.runtimeMape())).append("</th>");
    }
    h.append("</tr>\n</table>\n<p>Default top-1: how much slower the default configuration (on measured data, the")
        .append(" compiler's choice without autotuning) is than the best measured one: the baseline a model's top-1 must")
        .append(" beat. Means are over kernels, so a kernel measured many times weighs as much as one measured twice.</p>\n");
  }

  private static XYChart scatter(String title, List<double[]> points, String truth) {
    XYChart c = new XYChartBuilder().width(420).height(400).title(title)
        .xAxisTitle(truth + " (ns)").yAxisTitle("predicted (ns)").build();
    style(c.getStyler());
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    c.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
    c.getStyler().setMarkerSize(3).setLegendVisible(false);
    int stride = Math.max(1, (points.size() + MAX_POINTS - 1) / MAX_POINTS);
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (int i = 0; i < points.size(); i += stride) {
      double p = points.get(i)[0];
      double a = points.get(i)[1];
      if (p > 0 && a > 0 && Double.isFinite(p)) {
        xs.add(a);
        ys.add(p);
        lo = Math.min(lo, Math.min(a, p));
        hi = Math.max(hi, Math.max(a, p));
      }
    }
    if (xs.isEmpty()) {
      xs.add(1.0);
      ys.add(1.0);
      lo = 1;
      hi = 10;
    }
    // Axes fitted to the data (a margin of a quarter on the log scale), not to the enclosing decades.
    c.getStyler().setXAxisMin(lo / 1.25).setXAxisMax(hi * 1.25).setYAxisMin(lo / 1.25).setYAxisMax(hi * 1.25);
    c.getStyler().setXAxisDecimalPattern("#,##0.###").setYAxisDecimalPattern("#,##0.###");
    c.addSeries("kernels", xs, ys).setMarkerColor(new Color(31, 119, 180, 90));
    XYSeries diagonal = c.addSeries("exact", new double[] {lo, hi}, new double[] {lo, hi});
    diagonal.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line).setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY);
    return c;
  }

  private static XYChart errorCdf(Map<String, Evaluator.Scores> overall) {
    XYChart c = new XYChartBuilder().width(620).height(400).title("fusion task: share of kernels within an error")
        .xAxisTitle("absolute percentage error (%)").yAxisTitle("kernels within the error").build();
    style(c.getStyler());
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    // Percent ticks (0% to 100% of kernels; errors as plain percentages), the legend beside the plot.
    c.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setYAxisDecimalPattern("0%").setXAxisDecimalPattern("#,##0.##");
    for (Map.Entry<String, Evaluator.Scores> e : overall.entrySet()) {
      double[] err = e.getValue().fusionPoints().stream().mapToDouble(p -> 100 * Math.abs(p[0] - p[1]) / p[1])
          .filter(Double::isFinite).sorted().toArray();
      if (err.length == 0) {
        continue;
      }
      int steps = Math.min(err.length, 400);
      double[] x = new double[steps];
      double[] y = new double[steps];
      for (int i = 0; i < steps; i++) {
        int idx = (int) ((long) (i + 1) * err.length / steps) - 1;
        x[i] = Math.max(err[idx], 0.01); // a log axis: errors under 0.01% are drawn at 0.01%
        y[i] = (idx + 1) / (double) err.length;
      }
      c.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
    }
    if (c.getSeriesMap().isEmpty()) {
      c.addSeries("no kernels", new double[] {1}, new double[] {0});
    }
    return c;
  }

  private static CategoryChart familyBars(Evaluator.Report r, String what, java.util.function.ToDoubleFunction<Evaluator.Scores> metric) {
    CategoryChart c = new CategoryChartBuilder().width(620).height(400).title(what + " per family")
        .xAxisTitle("family").yAxisTitle(what).build();
    style(c.getStyler());
    c.getStyler().setXAxisLabelRotation(30);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setYAxisDecimalPattern("#,##0.#");
    List<String> families = new ArrayList<>(families(r));
    if (families.isEmpty()) {
      families.add("none");
    }
    r.perFamily().forEach((name, fams) -> {
      List<Double> v = new ArrayList<>();
      for (String f : families) {
        Evaluator.Scores s = fams.get(f);
        double x = s == null ? Double.NaN : 100 * metric.applyAsDouble(s);
        v.add(Double.isFinite(x) ? x : 0.0);
      }
      c.addSeries(name, families, v);
    });
    if (c.getSeriesMap().isEmpty()) {
      c.addSeries("no models", families, families.stream().map(f -> 0.0).toList());
    }
    return c;
  }

  private static void style(Styler s) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setAntiAlias(true);
  }

  private static TreeSet<String> families(Evaluator.Report r) {
    TreeSet<String> out = new TreeSet<>();
    r.perFamily().values().forEach(m -> out.addAll(m.keySet()));
    return out;
  }

  private static String img(Chart<?, ?> chart, String alt) {
    try {
      byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
      return "<img alt=\"" + esc(alt) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\">";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw the chart '" + alt + "'", e);
    }
  }

  private static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String f3(double v) {
    return Double.isFinite(v) ? String.format("%.3f", v) : "–";
  }

  private static String pct(double v) {
    return Double.isFinite(v) ? String.format("%.2f%%", 100 * v) : "–";
  }
}
