package dev.tpucost.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.model.CostModel;
import dev.tpucost.api.model.Ranking;
import dev.tpucost.api.tile.InvalidTileException;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tpucost rank FILE --kernel NAME}: a cost model's ranking of tile configs for one kernel. */
@Command(name = "rank", mixinStandardHelpOptions = true,
    header = "Rank tile configurations of one kernel by a cost model's predicted runtime.",
    description = {
    "Rank tile configs of one kernel by a cost model's predicted runtime (rank 1 = fastest). Candidates come",
    "from --tiles (one per line, in the notation below, as this command prints them, or as",
    "kernel_bounds<TAB>output_bounds, comma lists, either may be empty; lines starting with # are skipped) or",
    "are every valid config. Invalid candidates are reported with an error.",
    "",
    TileHelp.TEXT})
final class RankCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "An HLO file, text or binary.")
  Path file;

  @Option(names = "--kernel", required = true, paramLabel = "NAME", description = "The kernel.")
  String kernel;

  @Mixin ModuleInputs inputs;

  @Mixin ModelChoice models;

  @Option(names = "--tiles", paramLabel = "FILE", description = "Candidate configs, one per line (see above).")
  Path tiles;

  @Option(names = "--top", paramLabel = "N", defaultValue = "0",
      description = "Show only the K fastest (invalid candidates are always shown); 0 = all.")
  int top;

  @picocli.CommandLine.Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    if (top < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--top must be >= 0 (0: all), got " + top);
    }
    CostModel m = models.create(inputs.chip());
    Kernel k = ModuleInputs.kernel(inputs.kernels(file, spec.commandLine().getErr()), kernel, file);
    TileSpace space = m.tileSpace(k);
    List<TileConfig> candidates = new ArrayList<>();
    List<String> parseErrors = new ArrayList<>();
    if (tiles != null) {
      int lineNo = 0;
      for (String line : Files.readAllLines(tiles, StandardCharsets.UTF_8)) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\t", -1);
        try {
          if (parts.length == 1 && line.contains("/")) {
            // the tile notation, as this command prints tiles (it can also give input and iteration bounds)
            candidates.add(space.resolve(TileConfig.parse(line.strip())));
            parseErrors.add(null);
            continue;
          }
          if (parts.length != 2) {
            throw new InvalidTileException("expected KERNEL/OUTPUT[/INPUT[/ITERATION]] or"
                + " kernel_bounds<TAB>output_bounds, found " + parts.length + " tab-separated field(s)");
          }
          candidates.add(space.resolve(TileConfig.of(TileConfig.parseBounds(parts[0], "kernel_bounds"),
              TileConfig.parseBounds(parts[1], "output_bounds"))));
          parseErrors.add(null);
        } catch (InvalidTileException e) {
          candidates.add(TileConfig.EMPTY);
          parseErrors.add(tiles + ":" + lineNo + ": " + e.getMessage());
        }
      }
    } else {
      candidates.addAll(space.validConfigs(100_000));
      candidates.forEach(c -> parseErrors.add(null));
    }
    // The model refuses impossible bounds with their reason; a line that did not parse is refused with its own.
    List<dev.tpucost.api.model.TilePrediction> batch = new ArrayList<>(m.predictAll(k, candidates));
    for (int i = 0; i < candidates.size(); i++) {
      if (parseErrors.get(i) != null) {
        batch.set(i, dev.tpucost.api.model.TilePrediction.refused(candidates.get(i), parseErrors.get(i)));
      }
    }
    Ranking r = Ranking.of(batch);
    print(r, m);
    return 0;
  }

  private void print(Ranking r, CostModel m) {
    PrintWriter out = spec.commandLine().getOut();
    List<Ranking.Entry> shown = new ArrayList<>();
    for (Ranking.Entry e : r.entries()) {
      if (!e.isValid() || top <= 0 || e.rank() <= top) {
        shown.add(e);
      }
    }
    shown.sort((a, b) -> a.isValid() && b.isValid() ? Integer.compare(a.rank(), b.rank()) : a.isValid() ? -1 : b.isValid() ? 1 : 0);
    if (output.json()) {
      ObjectNode n = Json.object().put("file", file.toString()).put("kernel", kernel).put("model", m.name())
          .put("chip", m.chip().name());
      ArrayNode configs = n.putArray("configs");
      for (Ranking.Entry e : shown) {
        ObjectNode c = configs.addObject().put("index", e.index());
        c.set("tile", Json.tile(e.tile()));
        if (e.isValid()) {
          c.put("predicted_ns", e.predictedNs()).put("rank", e.rank());
          Json.interval(c, e.prediction().interval());
        } else {
          c.put("error", e.error().orElseThrow());
        }
      }
      Json.print(out, n);
    } else {
      boolean intervals = shown.stream().anyMatch(e -> e.prediction().interval().isPresent());
      Table t = intervals ? new Table("rank", "index", "tile", "predicted us", "interval us", "error")
          : new Table("rank", "index", "tile", "predicted us", "error");
      for (Ranking.Entry e : shown) {
        List<Object> row = new ArrayList<>(List.of(e.isValid() ? e.rank() : "-", e.index(), e.tile(),
            e.isValid() ? String.format("%.3f", e.predictedNs() / 1e3) : ""));
        if (intervals) {
          row.add(Json.intervalUs(e.prediction().interval()));
        }
        row.add(e.error().orElse(""));
        t.row(row.toArray());
      }
      t.print(out);
    }
    out.flush();
  }
}
