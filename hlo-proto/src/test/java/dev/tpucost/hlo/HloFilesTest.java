package dev.tpucost.hlo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Format detection (text is strict UTF-8 without control characters other than white space) and strings in text. */
class HloFilesTest {
  private static final String MODULE = "HloModule m\n\nENTRY e {\n  a = f32[2]{0} parameter(0)\n"
      + "  ROOT b = f32[2]{0} negate(a)\n}\n";

  @Test
  void aControlCharacterAnywhereMakesTheBytesBinaryAndWhiteSpaceDoesNot() {
    byte[] text = MODULE.getBytes(StandardCharsets.US_ASCII);
    assertThat(HloFiles.detect(text)).isEqualTo(HloFiles.Format.TEXT);
    for (int at = 0; at < text.length; at++) { // every position of an eight-byte word, and the tail
      for (byte b : new byte[] {0x00, 0x01, 0x1b, 0x1f}) {
        byte[] damaged = text.clone();
        damaged[at] = b;
        assertThat(HloFiles.detect(damaged)).as("byte %d at %d", b, at).isEqualTo(HloFiles.Format.PROTO);
      }
      for (byte b : new byte[] {'\n', '\r', '\t', '\f', ' '}) {
        byte[] spaced = text.clone();
        spaced[at] = b;
        assertThat(HloFiles.detect(spaced)).as("byte %d at %d", b, at).isEqualTo(HloFiles.Format.TEXT);
      }
    }
  }

  @Test
  void utf8BeyondAsciiIsTextAndMalformedUtf8IsNot() {
    String named = MODULE.replace("HloModule m", "HloModule m\u00e9\u4e2d");
    HloModule m = HloFiles.parse(named.getBytes(StandardCharsets.UTF_8), Path.of("u.hlo")).module();
    assertThat(m.name()).isEqualTo("m\u00e9\u4e2d");
    byte[] bad = MODULE.getBytes(StandardCharsets.US_ASCII);
    bad[3] = (byte) 0xc3; // a lead byte followed by ASCII
    assertThat(HloFiles.detect(bad)).isEqualTo(HloFiles.Format.PROTO);
  }

  @Test
  void aStringEndsAtItsFirstQuoteNoOddRunOfBackslashesEscapes() {
    // op_name: x\"y\\ ; source_file: q\\\"r ; the next instruction's op_name: \\\\ (all as written in the text)
    String text = "HloModule m\n\nENTRY e {\n"
        + "  a = f32[2]{0} parameter(0), metadata={op_name=\"x\\\"y\\\\\" source_file=\"q\\\\\\\"r\" source_line=3}\n"
        + "  ROOT b = f32[2]{0} negate(a), metadata={op_name=\"\\\\\\\\\"}\n}\n";
    HloModule m = HloFiles.parse(text.getBytes(StandardCharsets.US_ASCII), Path.of("s.hlo")).module();
    Instruction a = m.entry().instructions().get(0);
    Instruction b = m.entry().instructions().get(1);
    assertThat(a.attributes().get("metadata")).contains("x\\\"y\\\\\"").contains("q\\\\\\\"r\"").contains("source_line=3");
    assertThat(b.name()).isEqualTo("b");
    assertThat(b.attributes().get("metadata")).contains("\"\\\\\\\\\"");
  }
}
