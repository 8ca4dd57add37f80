package dev.tpucost.benchmarks.hlo;

import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.hlo.HloFiles;
import dev.tpucost.hlo.binary.HloProtoWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast an HLO file loads, from bytes in memory to a validated IR module (format detection, UTF-8
 * decoding or protobuf decoding, conversion, validation). Single thread.
 *
 * <p>Input: {@code file}, by default the largest shared sample (574 KB of HLO text from a real JAX
 * program). The protobuf input is the same module written as {@code HloModuleProto} by tpucost (real
 * binary samples are all under 60 KB). MB/s = ops/s x {@link #textBytes} or {@link #protoBytes} (printed
 * at setup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class HloLoadBench {
  /** The text sample to load; a relative path is resolved against the working directory and its parents. */
  @Param({"shared/hlo-samples/text/jax.issue.33666.linx.slow_0428.module_0006.hlo"})
  public String file;

  byte[] text;
  byte[] proto;
  Path path;

  /** Size of the text input in bytes. */
  public int textBytes;

  /** Size of the protobuf input in bytes. */
  public int protoBytes;

  /** Reads the input once and writes its protobuf form. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    path = locate(file);
    text = Files.readAllBytes(path);
    HloModule m = HloFiles.parse(text, path).module();
    proto = HloProtoWriter.write(m);
    textBytes = text.length;
    protoBytes = proto.length;
    System.out.printf("%n[HloLoadBench] %s: text %d bytes, proto %d bytes, %d instructions%n",
        path, textBytes, protoBytes, m.instructionCount());
  }

  private static Path locate(String file) {
    Path p = Path.of(file);
    if (p.isAbsolute()) {
      return p;
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(file))) {
        return d.resolve(file);
      }
    }
    throw new IllegalStateException("benchmark input " + file + " not found here or above; pass -p file=PATH");
  }

  /** Text bytes to module. */
  @Benchmark
  public HloModule text() {
    return HloFiles.parse(text, path).module();
  }

  /** Protobuf bytes to module. */
  @Benchmark
  public HloModule proto() {
    return HloFiles.parse(proto, path).module();
  }
}
