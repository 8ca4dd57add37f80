package dev.tpucost.hlo.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.hlo.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The readers' {@link Contract} on every real sample and on seeded mutants of each (byte flips, cuts,
 * spliced ranges, digits replaced by huge numbers): the fuzz targets' seeds, checked in every build.
 */
class MutatedSamplesTest {
  static final int MUTANTS = 150;

  @Test
  void textSamplesAndTheirMutants() throws Exception {
    int n = 0;
    for (Path f : Samples.files("text")) {
      byte[] original = Files.readAllBytes(f);
      if (original.length > 200_000) {
        continue; // the biggest samples take most of a second to parse; the fuzzer gets them whole
      }
      dev.tpucost.hlo.text.HloTextParser.parse(new String(original, StandardCharsets.UTF_8), f.toString()); // warm-up
      Contract.text(original);
      Random r = new Random(f.getFileName().toString().hashCode());
      for (int i = 0; i < MUTANTS; i++) {
        Contract.text(mutate(original, r, true));
        n++;
      }
    }
    assertThat(n).isGreaterThan(1000);
  }

  @Test
  void protoSamplesAndTheirMutants() throws Exception {
    int n = 0;
    for (Path f : Samples.files("pb")) {
      byte[] original = Files.readAllBytes(f);
      dev.tpucost.hlo.binary.HloProtoReader.read(original, f.toString()); // warm-up, untimed
      Contract.proto(original);
      Random r = new Random(f.getFileName().toString().hashCode());
      for (int i = 0; i < MUTANTS * 4; i++) {
        Contract.proto(mutate(original, r, false));
        n++;
      }
    }
    assertThat(n).isGreaterThan(1000);
  }

  /** One to three random edits of {@code in}. */
  static byte[] mutate(byte[] in, Random r, boolean text) {
    byte[] b = in.clone();
    int edits = 1 + r.nextInt(3);
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(5)) {
        case 0 -> b[at] = (byte) r.nextInt(256);
        case 1 -> b = java.util.Arrays.copyOf(b, at);
        case 2 -> {
          int from = r.nextInt(b.length);
          int len = Math.min(r.nextInt(64), b.length - from);
          byte[] c = new byte[b.length + len];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, from, c, at, len);
          System.arraycopy(b, at, c, at + len, b.length - at);
          b = c;
        }
        case 3 -> {
          if (text) {
            String s = new String(b, StandardCharsets.ISO_8859_1);
            int d = s.indexOf(Character.forDigit(r.nextInt(10), 10), at);
            if (d >= 0) {
              String big = r.nextBoolean() ? "2147483648" : "99999999999999999999";
              b = (s.substring(0, d) + big + s.substring(d + 1)).getBytes(StandardCharsets.ISO_8859_1);
            }
          } else {
            b[at] = (byte) 0xff; // varints: a continuation byte that makes lengths and counts huge
          }
        }
        default -> b[at] ^= (byte) (1 << r.nextInt(8));
      }
    }
    return b;
  }
}
