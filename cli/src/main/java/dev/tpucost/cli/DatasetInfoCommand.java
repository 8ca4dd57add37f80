package dev.tpucost.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tpucost.corpus.dataset.DatasetReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tpucost dataset-info DIR}: a dataset's manifest as a table or JSON. */
@Command(name = "dataset-info", mixinStandardHelpOptions = true,
    header = "Show a dataset's manifest.")
final class DatasetInfoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "A dataset directory.")
  Path dir;

  @picocli.CommandLine.Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    JsonNode m = DatasetReader.open(dir).manifest();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      Json.print(out, m);
      return 0;
    }
    out.printf("%s: %s, seed %d, chip %s%n", dir, m.path("generator_version").asText(), m.path("seed").asLong(),
        m.path("chip").path("name").asText());
    boolean measured = m.path("label_source").asText("simulated").equals("measured");
    out.printf("labels: %s on %s%s%n", measured ? "measured" : "simulated", m.path("chip").path("name").asText(),
        measured ? String.format(" (%d layout runs skipped)", m.path("layout_runs_skipped").asLong()) : "");
    out.printf("%d programs, %d distinct kernels, %d samples (%d rejected configs), %d shards%n",
        m.path("total_programs").asLong(), m.path("kernels").asLong(), m.path("samples").asLong(),
        m.path("rejected_samples").asLong(), m.path("shards").size());
    long kernels = Math.max(1, m.path("kernels").asLong());
    Table fam = new Table("family", "programs", "kernels", "share");
    m.path("families").fields().forEachRemaining(e -> fam.row(e.getKey(), e.getValue().path("programs").asLong(),
        e.getValue().path("kernels").asLong(), String.format("%.1f%%", 100.0 * e.getValue().path("kernels").asLong() / kernels)));
    out.println();
    fam.print(out);
    Table kinds = new Table("fusion kind", "kernels", "share");
    m.path("fusion_kinds").fields().forEachRemaining(e -> kinds.row(e.getKey(), e.getValue().asLong(),
        String.format("%.1f%%", 100.0 * e.getValue().asLong() / kernels)));
    out.println();
    kinds.print(out);
    Table splits = new Table("split", "part", "programs", "kernels");
    for (String split : List.of("random", "family")) {
      for (String part : List.of("train", "val", "test")) {
        JsonNode p = m.path("splits").path(split).path(part);
        splits.row(split.equals("family") ? "family (" + m.path("splits").path("family").path("held_out_family").asText() + " held out)" : split,
            part, p.path("programs").asLong(), p.path("kernels").asLong());
      }
    }
    out.println();
    splits.print(out);
    out.flush();
    return 0;
  }
}
