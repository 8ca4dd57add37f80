package dev.tpucost.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tpucost.analytical.Constants;
import dev.tpucost.api.model.CostModelProvider;
import dev.tpucost.api.model.CostModels;
import dev.tpucost.gnn.ConfigFeatures;
import dev.tpucost.gnn.IntervalCalibration;
import dev.tpucost.gnn.ModelFile;
import dev.tpucost.gnn.net.Hyper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tpucost models [FILE...]}: the cost models registered on the class path, or what the given model files
 * hold (a trained model's kind, chip, network, training, interval and fine-tuning; a constants file's constants).
 */
@Command(name = "models", mixinStandardHelpOptions = true,
    header = "List the registered cost models, or describe model files.",
    description = "Without files, the cost models registered on the class path. With files (a .zip from 'tpucost"
        + " train', a constants .json from 'tpucost calibrate'), what each holds: a trained model's kind, chip,"
        + " network, validation scores, its 80%% interval and how it was calibrated, and its fine-tuning; a constants"
        + " file's chip and constants.")
final class ModelsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @picocli.CommandLine.Mixin FormatOption output;

  @Parameters(paramLabel = "FILE", arity = "0..*", description = "Model files to describe.")
  List<Path> files = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (!files.isEmpty()) {
      List<ObjectNode> described = new ArrayList<>();
      for (Path f : files) {
        described.add(describe(f));
      }
      if (output.json()) {
        var doc = Json.object();
        described.forEach(d -> doc.withArray("files").add(d));
        Json.print(out, doc);
      } else {
        described.forEach(d -> print(out, d));
      }
      out.flush();
      return 0;
    }
    Map<String, CostModelProvider> providers = CostModels.providers();
    if (output.json()) {
      var doc = Json.object();
      var array = doc.putArray("models");
      for (CostModelProvider p : providers.values()) {
        array.addObject().put("name", p.name()).put("description", p.description());
      }
      Json.print(out, doc);
    } else if (providers.isEmpty()) {
      out.println("no cost models are registered on the class path");
    } else {
      Table t = new Table("model", "description");
      providers.values().forEach(p -> t.row(p.name(), p.description()));
      t.print(out);
    }
    out.flush();
    return 0;
  }

  /** One file as JSON: {@code file}, {@code kind}, and what the kind holds. */
  private static ObjectNode describe(Path file) throws IOException {
    ObjectNode d = Json.object().put("file", file.toString());
    if (ModelChoice.kindOf(file) == ModelChoice.FileKind.TRAINED) {
      ModelFile m = ModelFile.load(file);
      Hyper h = m.hyper();
      boolean conditioned = h.configFeatures() == ConfigFeatures.CHIP_WIDTH;
      d.put("kind", m.kind()).put("chip", conditioned ? "any" : m.chip().name()).put("chip_conditioned", conditioned)
          .put("parameters", m.weights().parameterCount())
          .put("keeps_the_model_it_was_fine_tuned_from", m.extras().containsKey(ModelFile.FINE_TUNED_FROM));
      d.putObject("network").put("hidden", h.hidden()).put("layers", h.layers()).put("head1", h.head1())
          .put("head2", h.head2()).put("late_join", !h.earlyJoin());
      d.set("info", m.info() == null ? Json.object() : m.info().deepCopy());
      return d;
    }
    Constants c = Constants.load(file);
    d.put("kind", "analytical constants").put("chip", c.chip());
    ObjectNode values = d.putObject("constants");
    c.toMap().forEach(values::put);
    return d;
  }

  private static void print(PrintWriter out, ObjectNode d) {
    String kind = d.path("kind").asText();
    if (kind.equals("analytical constants")) {
      out.printf("%s: analytical constants for chip %s%n", d.path("file").asText(), d.path("chip").asText());
      d.path("constants").fields().forEachRemaining(e -> out.printf("  %-18s %.6g%n", e.getKey(),
          e.getValue().asDouble()));
      return;
    }
    JsonNode info = d.path("info");
    JsonNode n = d.path("network");
    out.printf("%s: %s model for %s, %,d parameters (GraphSAGE %d x %d wide, head %d-%d)%n", d.path("file").asText(),
        kind, d.path("chip_conditioned").asBoolean() ? "any chip (chip-conditioned)" : "chip " + d.path("chip").asText(),
        d.path("parameters").asLong(), n.path("layers").asInt(), n.path("hidden").asInt(), n.path("head1").asInt(),
        n.path("head2").asInt());
    JsonNode v = info.path("validation");
    if (v.isObject()) {
      out.printf("  validation (epoch %d, %d kernels): tile tau %.3f, top-1 %.2f%%, fusion MAPE %.2f%%%n",
          info.path("epoch").asInt(), v.path("kernels").asLong(), v.path("tile_kendall_tau").asDouble(),
          100 * v.path("top1_slowdown").asDouble(), 100 * v.path("fusion_mape").asDouble());
    }
    java.util.Optional<IntervalCalibration> cal = IntervalCalibration.of(info);
    if (cal.isEmpty()) {
      out.println("  interval: none");
    } else {
      IntervalCalibration c = cal.get();
      out.printf("  interval: %.0f%%, %s, on %d samples%s%n", 100 * c.coverage(),
          info.path("interval").path("method").asText("conformalised quantile regression"), c.samples(),
          c.unseenChipWidening().isPresent() ? String.format("; chips unlike its training chips: widened on %d samples"
              + " of calibration chips, learned correction weighted %.2f (level %.2f)", c.unseenChipSamples(),
              c.unseenChipCorrectionWeight(), c.unseenChipLevelWeight()) : "");
    }
    JsonNode ft = info.path("fine_tuned");
    if (ft.isObject()) {
      int epochs = ft.path("epochs").asInt();
      String what = String.format("%d measured kernels of %s (%d samples)", ft.path("kernels").asLong(),
          ft.path("chip").asText(), ft.path("samples").asLong());
      boolean keeps = d.path("keeps_the_model_it_was_fine_tuned_from").asBoolean();
      out.println(epochs == 0
          ? "  interval calibrated on " + what + "; estimates as trained (0 epochs of fine-tuning)"
              + (keeps ? "; keeps the model it was calibrated from" : "")
          : "  fine-tuned on " + what + ", " + epochs + " epochs" + (keeps ? "; keeps the model it was fine-tuned from" : ""));
    }
  }
}
