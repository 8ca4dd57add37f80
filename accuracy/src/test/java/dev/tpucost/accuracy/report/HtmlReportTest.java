package dev.tpucost.accuracy.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.corpus.dataset.DatasetBuilder;
import dev.tpucost.corpus.dataset.DatasetOptions;
import dev.tpucost.corpus.dataset.DatasetReader;
import dev.tpucost.corpus.dataset.Progress;
import dev.tpucost.corpus.evaluation.Evaluator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report and the JSON of an evaluation of two models on a small generated dataset. */
class HtmlReportTest {
  @TempDir static Path dir;
  static Evaluator.Report report;

  @BeforeAll
  static void evaluate() throws Exception {
    Path data = dir.resolve("data");
    DatasetBuilder.generate(new DatasetOptions(12, 8, 1, 5, ChipSpec.V4, 2, 8, "lstm"), data, Progress.NONE);
    List<CostModel> models = List.of(CostModels.create("analytical", ChipSpec.V4), CostModels.create("hybrid", ChipSpec.V4));
    report = Evaluator.evaluate(DatasetReader.open(data), "all", "test", models, 0);
  }

  @Test
  void theReportIsOneSelfContainedPageWithTablesAndReadableCharts() throws Exception {
    Path out = dir.resolve("reports/eval.html");
    HtmlReport.write(report, "generated <test> data", out);
    Document doc = Jsoup.parse(out.toFile(), "UTF-8");
    assertThat(doc.title()).contains("all split");
    assertThat(doc.select("table#overall tr")).hasSize(3); // header + two models
    assertThat(doc.select("table#overall td:first-child").eachText()).containsExactly("analytical", "hybrid");
    assertThat(doc.select("table#per-family td:first-child").eachText()).contains("mlp", "lstm");
    assertThat(doc.text()).contains("generated <test> data"); // escaped in the file, text again when parsed
    // The header says what was scored for this split (every sample: no "test part") and the ground truth.
    assertThat(doc.select("p").first().text()).startsWith("Every sample of generated <test> data")
        .contains("Ground truth: simulated").doesNotContain("part");
    assertThat(doc.select("script, link, [src^=http]")).isEmpty();
    List<Element> images = doc.select("img");
    assertThat(images).hasSize(2 + 1 + 2); // a scatter per model, the CDF, two family charts
    for (Element img : images) {
      String src = img.attr("src");
      assertThat(src).startsWith("data:image/png;base64,");
      BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1))));
      assertThat(png).as(img.attr("alt")).isNotNull();
      assertThat(png.getWidth()).isGreaterThan(300);
    }
    assertThat(Files.list(out.getParent())).containsExactly(out); // no temporary file left behind
  }

  @Test
  void theJsonHasTheDocumentedFieldsAsFractions() {
    JsonNode n = ReportJson.of(report);
    assertThat(n.path("split").asText()).isEqualTo("all");
    assertThat(n.path("samples").asLong()).isEqualTo(report.samples()).isPositive();
    for (String model : List.of("analytical", "hybrid")) {
      JsonNode m = n.path("models").path(model);
      for (String f : List.of("kendall_tau", "top1_slowdown", "top5_slowdown", "top10_slowdown", "tile_ape")) {
        assertThat(m.path("tile").path(f).isNumber()).as(model + " tile." + f).isTrue();
      }
      assertThat(m.path("tile").path("top1_slowdown").asDouble()).isBetween(0.0, 5.0);
      assertThat(m.path("fusion").path("mape").asDouble()).isBetween(0.0, 5.0);
      assertThat(m.path("fusion").path("kendall_tau").asDouble()).isBetween(-1.0, 1.0);
      assertThat(m.path("per_family").has("mlp")).isTrue();
      assertThat(m.path("per_family").path("mlp").path("tile").has("tile_ape")).isTrue();
    }
  }

  @Test
  void tileApeIsTheProgramLevelRegretOfTheTopChoice() {
    Evaluator.Scores s = report.overall().get("analytical");
    assertThat(s.tileApe()).isFinite().isGreaterThanOrEqualTo(0);
    assertThat(s.programTotalApe()).isFinite().isGreaterThanOrEqualTo(0);
    assertThat(s.programCount()).isEqualTo(12);
  }
}
