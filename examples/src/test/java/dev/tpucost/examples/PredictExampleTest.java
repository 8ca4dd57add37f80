package dev.tpucost.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictExampleTest {
  @TempDir Path dir;

  @Test
  void theExampleRunsOnADump() throws Exception {
    Path hlo = dir.resolve("module.hlo");
    Files.writeString(hlo, """
        HloModule example
        ENTRY e {
          a = bf16[512,1024]{1,0} parameter(0)
          b = bf16[1024,256]{1,0} parameter(1)
          d = f32[512,256]{1,0} dot(a, b), lhs_contracting_dims={1}, rhs_contracting_dims={0}
          ROOT t = f32[512,256]{1,0} tanh(d)
        }
        """);
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      PredictExample.main(new String[] {hlo.toString()});
    } finally {
      System.setOut(saved);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    // An unfused module: every instruction that does work is a kernel (the dot and the tanh).
    assertThat(printed).containsPattern("(?m)^d: \\d+\\.\\d us$").containsPattern("(?m)^t: \\d+\\.\\d us$");
    assertThat(printed).containsPattern("fastest tile of d: \\d+,\\d+/\\d+,\\d+");
  }

  /** The README shows the example's code, line for line: it cannot rot without this test failing. */
  @Test
  void theReadmeShowsThisExample() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve("README.md"))) {
      root = root.getParent();
    }
    assertThat(root).as("README.md above %s", Path.of("").toAbsolutePath()).isNotNull();
    String readme = Files.readString(root.resolve("README.md"));
    String source = Files.readString(root.resolve("examples/src/main/java/dev/tpucost/examples/PredictExample.java"));
    List<String> body = Arrays.stream(source.substring(source.indexOf("// example:begin") + 16,
        source.indexOf("// example:end")).split("\n")).map(String::strip).filter(l -> !l.isEmpty()).toList();
    assertThat(body).hasSizeGreaterThan(5);
    int at = readme.indexOf("<!-- example:PredictExample -->");
    assertThat(at).as("README marker").isPositive();
    String block = readme.substring(readme.indexOf("```java", at) + 7, readme.indexOf("```", readme.indexOf("```java", at) + 7));
    List<String> shown = Arrays.stream(block.split("\n")).map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList());
    assertThat(shown).containsSubsequence(body);
  }
}
