package dev.tpucost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every line of the README's quick-examples block (after {@code <!-- ci:quick-examples -->}) as
 * written, in process: inputs under {@code ../shared} resolve against the repository's root, as from a
 * shell there; other relative paths (outputs such as {@code data/tiny}) against a scratch folder standing
 * for the root, so the test writes nothing into the checkout. Each must exit 0 and print something.
 */
class ReadmeExamplesTest {
  @TempDir Path scratch;

  private static Path root() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("README.md")) && Files.isDirectory(d.resolve("cli"))) {
        return d;
      }
    }
    throw new IllegalStateException("repository root not found");
  }

  static List<String> quickExamples(String readme) {
    int marker = readme.indexOf("<!-- ci:quick-examples -->");
    assertThat(marker).as("the README's quick-examples marker").isNotNegative();
    int start = readme.indexOf("```bash\n", marker) + "```bash\n".length();
    int end = readme.indexOf("```", start);
    return readme.substring(start, end).lines().map(String::strip).filter(l -> l.startsWith("./tpucost ")).toList();
  }

  @Test
  void everyQuickExampleRunsAsWritten() throws Exception {
    Path root = root();
    List<String> lines = quickExamples(Files.readString(root.resolve("README.md")));
    assertThat(lines).hasSizeGreaterThanOrEqualTo(5);
    for (String line : lines) {
      List<String> args = new ArrayList<>();
      for (String word : line.substring("./tpucost ".length()).split("\\s+")) {
        boolean path = !word.startsWith("-") && word.contains("/");
        args.add(!path ? word : word.startsWith("../") ? root.resolve(word).normalize().toString()
            : scratch.resolve(word).toString());
      }
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = TpuCost.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(new String[0]));
      assertThat(code).as(line + "\n" + err).isZero();
      assertThat(out.toString()).as(line).isNotBlank();
    }
  }
}
