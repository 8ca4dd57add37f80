package dev.tpucost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tpucost dataset} and {@code tpucost train} killed with SIGKILL in a real subprocess: nothing left
 * behind reads as complete, and running the same command again finishes with files byte-identical to an
 * uninterrupted run's.
 */
class InterruptedRunTest {
  @TempDir Path dir;

  private static int run(String... args) {
    StringWriter out = new StringWriter();
    int code = TpuCost.run(new PrintWriter(out, true), new PrintWriter(out, true), args);
    assertThat(code).as(String.join(" ", args) + "\n" + out).isZero();
    return code;
  }

  /** Starts {@code tpucost args} in a new JVM and kills it (SIGKILL) once {@code when} holds. */
  private static void killWhen(Predicate<Void> when, String... args) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", cp, "dev.tpucost.cli.TpuCost"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!when.test(null)) {
      assertThat(p.isAlive()).as("the run ended before it could be killed").isTrue();
      assertThat(System.nanoTime()).as("timed out waiting to kill").isLessThan(deadline);
      Thread.sleep(10);
    }
    p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isNotZero();
  }

  private static long count(Path d, String glob) {
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(f -> f.getFileSystem().getPathMatcher("glob:" + glob).matches(f.getFileName())).count();
    } catch (IOException e) {
      return 0;
    }
  }

  @Test
  void aKilledDatasetBuildResumesToTheSameBytes() throws Exception {
    String[] opts = {"--programs", "48", "--configs-per-kernel", "48", "--fusion-variants", "2", "--seed", "11",
        "--threads", "1"};
    Path whole = dir.resolve("whole");
    run(concat(new String[] {"dataset", "--out", whole.toString()}, opts));

    Path killed = dir.resolve("killed");
    Path shards = killed.resolve("shards");
    killWhen(x -> Files.isDirectory(shards) && count(shards, "*.json") >= 1,
        concat(new String[] {"dataset", "--out", killed.toString()}, opts));
    assertThat(killed.resolve("manifest.json")).doesNotExist();
    assertThat(count(shards, "*.json")).isLessThan(count(whole.resolve("shards"), "*.json"));
    // Every shard that has a name of its own is complete: its bytes match the uninterrupted run's.
    try (Stream<Path> s = Files.list(shards)) {
      for (Path f : s.filter(f -> f.getFileName().toString().endsWith(".pb.gz")).toList()) {
        assertThat(Files.readAllBytes(f)).as(f.toString()).isEqualTo(Files.readAllBytes(whole.resolve("shards").resolve(f.getFileName())));
      }
    }
    run(concat(new String[] {"dataset", "--out", killed.toString()}, opts));
    assertThat(Files.readAllBytes(killed.resolve("manifest.json"))).isEqualTo(Files.readAllBytes(whole.resolve("manifest.json")));
    try (Stream<Path> s = Files.list(whole.resolve("shards"))) {
      for (Path f : s.toList()) {
        assertThat(Files.readAllBytes(shards.resolve(f.getFileName()))).as(f.getFileName().toString())
            .isEqualTo(Files.readAllBytes(f));
      }
    }
    assertThat(count(shards, "*.tmp")).isZero();
  }

  @Test
  void aKilledTrainingResumesFromItsCheckpointToTheSameModel() throws Exception {
    Path data = dir.resolve("data");
    run("dataset", "--out", data.toString(), "--programs", "16", "--configs-per-kernel", "8", "--fusion-variants", "1",
        "--seed", "5", "--threads", "2");
    String[] opts = {"--data", data.toString(), "--epochs", "3", "--hidden", "16", "--seed", "3"};
    Path whole = dir.resolve("whole.zip");
    run(concat(new String[] {"train", "--out", whole.toString()}, opts));

    Path killed = dir.resolve("killed.zip");
    Path checkpoint = dir.resolve("killed.zip.checkpoint");
    killWhen(x -> Files.exists(checkpoint), concat(new String[] {"train", "--out", killed.toString()}, opts));
    assertThat(killed).doesNotExist();
    run(concat(new String[] {"train", "--out", killed.toString(), "--resume"}, opts));
    assertThat(Files.readAllBytes(killed)).isEqualTo(Files.readAllBytes(whole));
    assertThat(checkpoint).doesNotExist();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
