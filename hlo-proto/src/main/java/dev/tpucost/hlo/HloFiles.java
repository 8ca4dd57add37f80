package dev.tpucost.hlo;

import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.hlo.binary.HloProtoReader;
import dev.tpucost.hlo.text.HloTextParser;
import java.io.IOException;
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
    for (byte b : bytes) {
      if (b >= 0 && b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f') {
        return null;
      }
      ascii &= b >= 0;
    }
    if (ascii) {
      // The common case: a straight copy into a compact string (the strict decoder went through a char
      // buffer and back, about a fifth of a text load).
      return new String(bytes, StandardCharsets.US_ASCII);
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
}
