package dev.tpucost.cli;

import dev.tpucost.api.model.CostModelProvider;
import dev.tpucost.api.model.CostModels;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code tpucost models}: the cost models registered on the class path. */
@Command(name = "models", mixinStandardHelpOptions = true,
    header = "List the registered cost models.")
final class ModelsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @picocli.CommandLine.Mixin FormatOption output;

  @Override
  public Integer call() {
    Map<String, CostModelProvider> providers = CostModels.providers();
    PrintWriter out = spec.commandLine().getOut();
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
}
