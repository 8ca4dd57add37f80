package dev.tpucost.hlo;

import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.hlo.binary.HloProtoReader;
import dev.tpucost.hlo.text.HloTextParser;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads HLO files as XLA dumps them, text ({@code *.txt}, {@code *.hlo}) or binary ({@code *.hlo.pb}),
 * detecting which from the content: text is valid UTF-8 without control characters; anything else is
 * read as protobuf.
 */
public final class HloFiles {
  /** The two on-disk forms. */
  public enum Format {
    /** HLO text. */
    TEXT,
    /** A binary {@code HloModuleProto}, {@code HloProto} or {@code HloSnapshot}. */
    PROTO
  }

  /**
   * A loaded module.
   *
   * @param file where it came from
   * @param module the module
   * @param format the form it was in
   */
  public record Loaded(Path file, HloModule module, Format format) {}

  private HloFiles() {}

  /**
   * Loads {@code file}, text or binary.
   *
   * @throws HloParseException if the content is not valid HLO (naming the file and line or field)
   * @throws IOException if the file cannot be read
   */
  public static Loaded load(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory, not an HLO file");
    }
    byte[] bytes = Files.readAllBytes(file);
    return parse(bytes, file);
  }

  /** Parses {@code bytes} that came from {@code file} (named in errors). */
  public static Loaded parse(byte[] bytes, Path file) {
    String text = asText(bytes);
    if (text != null) {
      return new Loaded(file, HloTextParser.parse(text, file.toString()), Format.TEXT);
    }
    return new Loaded(file, HloProtoReader.read(bytes, file.toString()).module(), Format.PROTO);
  }

  /** Which form {@code bytes} are in. */
  public static Format detect(byte[] bytes) {
    return asText(bytes) != null ? Format.TEXT : Format.PROTO;
  }

  /** The bytes as text if they are strict UTF-8 without control characters (other than white space). */
  private static String asText(byte[] bytes) {
    if (bytes.length == 0) {
      return "";
    }
    boolean ascii = true;
    int k = 0;
    // Eight bytes at a time (one at a time this check was ~13% of loading the largest text sample): a word with
    // no byte from 0x80 up and none below 0x20 needs no look at its bytes; a word holding one (a line's end, a
    // non-ASCII character) is looked at byte by byte. (x - 0x20 * ONES) & ~x has a byte's high bit set for a byte
    // below 0x20, exactly when x has no byte from 0x80 up (Anderson's bit hacks), and those x flags itself.
    for (; k + Long.BYTES <= bytes.length; k += Long.BYTES) {
      long x = (long) LONGS.get(bytes, k);
      if (((x | ((x - 0x20 * ONES) & ~x)) & HIGHS) != 0) {
        for (int j = k; j < k + Long.BYTES; j++) {
          if (control(bytes[j])) {
            return null;
          }
          ascii &= bytes[j] >= 0;
        }
      }
    }
    for (; k < bytes.length; k++) {
      if (control(bytes[k])) {
        return null;
      }
      ascii &= bytes[k] >= 0;
    }
    if (ascii) {
      // The common case: a straight copy into a compact string (the strict decoder went through a char
      // buffer and back, about a fifth of a text load); as Latin-1, which ASCII is a part of, so the bytes are
      // not checked a second time.
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** True for a control character other than white space: such bytes are not HLO text. */
  private static boolean control(byte b) {
    return b >= 0 && b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f';
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGHS = 0x8080_8080_8080_8080L;
}
