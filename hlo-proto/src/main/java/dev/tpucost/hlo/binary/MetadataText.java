package dev.tpucost.hlo.binary;

import dev.tpucost.hlo.AttributeValues;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The text form tpucost keeps of an instruction's {@code OpMetadata} (its {@code metadata} attribute, as HLO
 * text writes it): {@code {op_type="..." op_name="..." source_file="..." source_line=N}}, unset fields left out,
 * empty when all are unset. Built from the strings ({@link #of}) or, when every string is plain ASCII, straight
 * from the protobuf bytes ({@link #ofPlainBytes}); both give the same text.
 */
final class MetadataText {
  private static final byte[][] KEYS = {ascii("op_type="), ascii("op_name="), ascii("source_file=")};
  private static final byte[] SOURCE_LINE = ascii("source_line=");

  private MetadataText() {}

  /** The text of these fields (empty strings and line 0 are unset). */
  static String of(String opType, String opName, String sourceFile, int sourceLine) {
    StringBuilder sb = new StringBuilder();
    if (!opType.isEmpty()) {
      sb.append(" op_type=").append(AttributeValues.quote(opType));
    }
    if (!opName.isEmpty()) {
      sb.append(" op_name=").append(AttributeValues.quote(opName));
    }
    if (!sourceFile.isEmpty()) {
      sb.append(" source_file=").append(AttributeValues.quote(sourceFile));
    }
    if (sourceLine != 0) {
      sb.append(" source_line=").append(sourceLine);
    }
    return sb.length() == 0 ? "" : "{" + sb.substring(1) + "}";
  }

  /**
   * True if the three strings at {@code at[k]} of {@code length[k]} bytes (op type, op name, source file) are
   * ASCII that {@link AttributeValues#quote} leaves as they are: no byte from 0x80 up (UTF-8 beyond ASCII), none
   * below 0x20 (the control characters; {@code quote} escapes only {@code \n}, {@code \t} and {@code \r} of them,
   * so the rest are sent to the general path, which gives the same text), no {@code "} and no {@code \}.
   */
  static boolean isPlain(byte[] bytes, int[] at, int[] length) {
    for (int f = 0; f < KEYS.length; f++) {
      if (!plain(bytes, at[f], at[f] + length[f])) {
        return false;
      }
    }
    return true;
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGHS = 0x8080_8080_8080_8080L;

  /**
   * {@link #isPlain} of {@code bytes[from, to)}, eight bytes at a time (an op name is some hundred bytes, and one
   * byte at a time with its five tests this check was the largest single cost of loading a protobuf module, 15%):
   * a word has a byte below {@code n <= 0x80} iff {@code (x - n * ONES) & ~x & HIGHS} is not zero, and a byte equal
   * to {@code c} iff the word {@code x ^ c * ONES} has a zero byte (Anderson's bit hacks, "determine if a word
   * has a byte less than n"); exact as a whole word's answer, which is all that is asked.
   */
  private static boolean plain(byte[] b, int from, int to) {
    int k = from;
    long bad = 0;
    for (; k + Long.BYTES <= to; k += Long.BYTES) {
      long x = (long) LONGS.get(b, k);
      long quote = x ^ 0x2222_2222_2222_2222L; // '"'
      long backslash = x ^ 0x5c5c_5c5c_5c5c_5c5cL; // '\\'
      bad |= x | ((x - 0x20 * ONES) & ~x) | ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash);
    }
    if ((bad & HIGHS) != 0) {
      return false;
    }
    for (; k < to; k++) {
      byte c = b[k];
      if (c < 0x20 || c == '"' || c == '\\') { // (a byte from 0x80 up is negative)
        return false;
      }
    }
    return true;
  }

  /** {@link #of} for three plain strings ({@link #isPlain}) given by their positions in {@code bytes}. */
  static String ofPlainBytes(byte[] bytes, int[] at, int[] length, int sourceLine) {
    int size = 1;
    for (int f = 0; f < KEYS.length; f++) {
      if (length[f] > 0) {
        size += KEYS[f].length + length[f] + 3; // key="value" and a separator
      }
    }
    String line = sourceLine != 0 ? Integer.toString(sourceLine) : "";
    if (!line.isEmpty()) {
      size += SOURCE_LINE.length + line.length() + 1;
    }
    if (size == 1) {
      return "";
    }
    byte[] out = new byte[size];
    int n = 0;
    for (int f = 0; f < KEYS.length; f++) {
      if (length[f] > 0) {
        out[n] = (byte) (n == 0 ? '{' : ' ');
        n++;
        System.arraycopy(KEYS[f], 0, out, n, KEYS[f].length);
        n += KEYS[f].length;
        out[n++] = '"';
        System.arraycopy(bytes, at[f], out, n, length[f]);
        n += length[f];
        out[n++] = '"';
      }
    }
    if (!line.isEmpty()) {
      out[n] = (byte) (n == 0 ? '{' : ' ');
      n++;
      System.arraycopy(SOURCE_LINE, 0, out, n, SOURCE_LINE.length);
      n += SOURCE_LINE.length;
      for (int k = 0; k < line.length(); k++) {
        out[n++] = (byte) line.charAt(k);
      }
    }
    out[n] = '}';
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
