package dev.tpucost.hlo.binary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link MetadataText}: the word-at-a-time plain-ASCII check against the byte-at-a-time definition, and the two
 * ways of building the text agreeing on what the check lets through.
 */
class MetadataTextTest {
  /** Mostly plain bytes, and every kind the check must catch, at every position of a word. */
  private static final byte[] PALETTE = {'a', 'Z', '/', '(', '0', ' ', '~', '"', '\\', '\n', '\t', '\r', 0x01, 0x1f,
      0x7f, (byte) 0x80, (byte) 0xc3, (byte) 0xa0, (byte) 0xff};

  @Test
  void theWordAtATimeCheckAgreesWithOneByteAtATime() {
    Random r = new Random(5);
    int caught = 0;
    for (int trial = 0; trial < 200_000; trial++) {
      byte[] bytes = new byte[64];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = r.nextInt(4) == 0 ? PALETTE[r.nextInt(PALETTE.length)] : (byte) ('a' + r.nextInt(26));
      }
      if (r.nextBoolean()) { // one special byte at one place among plain ones: every position of a word
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = (byte) ('a' + r.nextInt(26));
        }
        bytes[r.nextInt(bytes.length)] = PALETTE[7 + r.nextInt(PALETTE.length - 7)];
      }
      int[] at = new int[3];
      int[] length = new int[3];
      for (int f = 0; f < 3; f++) {
        at[f] = r.nextInt(bytes.length);
        length[f] = r.nextInt(bytes.length - at[f] + 1);
      }
      boolean expected = true;
      for (int f = 0; f < 3; f++) {
        for (int k = at[f]; k < at[f] + length[f]; k++) {
          int c = bytes[k] & 0xff;
          expected &= c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
        }
      }
      assertThat(MetadataText.isPlain(bytes, at, length)).as("trial %d", trial).isEqualTo(expected);
      caught += expected ? 0 : 1;
    }
    assertThat(caught).as("both answers were asked often").isBetween(50_000, 150_000);
  }

  @Test
  void plainBytesGiveTheTextTheStringsGive() {
    String type = "fusion";
    String name = "jit(train_step)/jit(main)/dot_general[dimension_numbers=(([1], [0]), ([], []))]";
    String file = "/home/user/model.py";
    byte[] bytes = (type + name + file).getBytes(StandardCharsets.US_ASCII);
    int[] at = {0, type.length(), type.length() + name.length()};
    int[] length = {type.length(), name.length(), file.length()};
    assertThat(MetadataText.isPlain(bytes, at, length)).isTrue();
    assertThat(MetadataText.ofPlainBytes(bytes, at, length, 42)).isEqualTo(MetadataText.of(type, name, file, 42));
    // a control character quote() passes through: not plain here, and the general path keeps it as it is
    byte[] control = (type + "a\u0001b" + file).getBytes(StandardCharsets.US_ASCII);
    int[] controlLength = {type.length(), 3, file.length()};
    int[] controlAt = {0, type.length(), type.length() + 3};
    assertThat(MetadataText.isPlain(control, controlAt, controlLength)).isFalse();
    assertThat(MetadataText.ofPlainBytes(control, controlAt, controlLength, 0))
        .isEqualTo(MetadataText.of(type, "a\u0001b", file, 0));
  }
}
