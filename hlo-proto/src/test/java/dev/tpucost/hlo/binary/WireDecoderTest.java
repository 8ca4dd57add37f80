package dev.tpucost.hlo.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.hlo.HloFiles;
import dev.tpucost.hlo.HloParseException;
import dev.tpucost.hlo.Samples;
import dev.tpucost.hlo.wire.DotDimensionNumbers;
import dev.tpucost.hlo.wire.HloComputationProto;
import dev.tpucost.hlo.wire.HloInstructionProto;
import dev.tpucost.hlo.wire.HloModuleProto;
import dev.tpucost.hlo.wire.LayoutProto;
import dev.tpucost.hlo.wire.LiteralProto;
import dev.tpucost.hlo.wire.OpMetadata;
import dev.tpucost.hlo.wire.PrimitiveType;
import dev.tpucost.hlo.wire.ShapeProto;
import dev.tpucost.hlo.wire.TileProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The fast decoder gives the module the general path gives, for every input, and takes most of it itself. */
class WireDecoderTest {
  private static HloModule general(byte[] bytes) {
    return HloProtoReader.readGeneral(bytes, "general").module();
  }

  private static WireDecoder.Decoded fast(byte[] bytes) throws WireDecoder.NotFast {
    return WireDecoder.decodeCounting(bytes, new HloProtoReader("fast"));
  }

  /** Every shared sample as a bare module: its text samples written as protobuf, and the binary samples. */
  private static List<byte[]> sampleModules() throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (Path f : Samples.files("text")) {
      out.add(HloProtoWriter.write(HloFiles.parse(Files.readAllBytes(f), f).module()));
    }
    for (Path f : Samples.files("pb")) {
      byte[] bytes = Files.readAllBytes(f);
      HloProtoReader.Result r = HloProtoReader.readGeneral(bytes, f.toString());
      out.add(r.container() == HloProtoReader.Container.HLO_MODULE_PROTO ? bytes : HloProtoWriter.write(r.module()));
    }
    return out;
  }

  @Test
  void everySampleDecodesToTheGeneralPathsModule() throws Exception {
    int instructions = 0;
    int generalReads = 0;
    for (byte[] bytes : sampleModules()) {
      WireDecoder.Decoded d = fast(bytes);
      HloModule expected = general(bytes);
      assertThat(d.module()).isEqualTo(expected);
      assertThat(d.module().toString()).isEqualTo(expected.toString());
      instructions += expected.instructionCount();
      generalReads += d.generalReads();
    }
    // only the rare fields and tiled layouts go the general way: 1,126 reads of 10,310 instructions (1,838 while
    // constants, 7% of the instructions, went that way too)
    assertThat(instructions).isGreaterThan(5000);
    assertThat(generalReads).as("%d of %d", generalReads, instructions).isLessThan(instructions / 8);
  }

  private static HloModuleProto small() {
    ShapeProto f32 = ShapeProto.newBuilder().setElementType(PrimitiveType.F32).addDimensions(8).addDimensions(128)
        .setLayout(LayoutProto.newBuilder().addMinorToMajor(1).addMinorToMajor(0)).build();
    HloComputationProto.Builder c = HloComputationProto.newBuilder().setName("main").setId(1).setRootId(3);
    c.addInstructions(HloInstructionProto.newBuilder().setName("p0").setOpcode("parameter").setId(1)
        .setParameterNumber(0).setShape(f32).setMetadata(OpMetadata.newBuilder().setOpName("jit(f)/x")));
    c.addInstructions(HloInstructionProto.newBuilder().setName("p1").setOpcode("parameter").setId(2)
        .setParameterNumber(1).setShape(f32));
    c.addInstructions(HloInstructionProto.newBuilder().setName("add").setOpcode("add").setId(3)
        .addOperandIds(1).addOperandIds(2).setShape(f32));
    return HloModuleProto.newBuilder().setName("m").setId(7).setEntryComputationId(1).addComputations(c).build();
  }

  /** {@link #small} with instruction {@code index} edited. */
  private static HloModuleProto withInstruction(int index, UnaryOperator<HloInstructionProto.Builder> edit) {
    HloModuleProto m = small();
    HloComputationProto c = m.getComputations(0);
    return m.toBuilder().setComputations(0, c.toBuilder().setInstructions(index,
        edit.apply(c.getInstructions(index).toBuilder()))).build();
  }

  @Test
  void aPlainModuleIsDecodedWithoutTheGeneralPath() throws Exception {
    byte[] bytes = small().toByteArray();
    WireDecoder.Decoded d = fast(bytes);
    assertThat(d.generalReads()).isZero();
    assertThat(d.module()).isEqualTo(general(bytes));
    assertThat(d.module().entry().root().attributes()).isEmpty();
    assertThat(d.module().entry().instructions().get(0).attributes())
        .containsEntry("metadata", "{op_name=\"jit(f)/x\"}");
  }

  @Test
  void metadataIsWrittenAsTheGeneralPathWritesIt() throws Exception {
    List<OpMetadata> cases = List.of(
        OpMetadata.newBuilder().setOpType("add").setOpName("jit(f)/add").setSourceFile("/x/y.py").setSourceLine(12).build(),
        OpMetadata.newBuilder().setSourceLine(-3).build(),
        OpMetadata.newBuilder().setOpName("say \"hi\"\\n\ttab").build(),
        OpMetadata.newBuilder().setOpName("jit(f)/\u00e9t\u00e9/\u65e5").setSourceFile("a.py").build(),
        OpMetadata.newBuilder().setDeduplicatedName("dedup").setSizeOfGeneratedCodeInBytes(5).build());
    for (OpMetadata md : cases) {
      byte[] bytes = withInstruction(0, i -> i.setMetadata(md)).toByteArray();
      WireDecoder.Decoded d = fast(bytes);
      assertThat(d.generalReads()).isZero();
      assertThat(d.module()).as(md.toString()).isEqualTo(general(bytes));
    }
    byte[] bytes = withInstruction(0, i -> i.setMetadata(OpMetadata.newBuilder().setOpType("add").setSourceLine(7)))
        .toByteArray();
    assertThat(fast(bytes).module().entry().instructions().get(0).attributes())
        .containsEntry("metadata", "{op_type=\"add\" source_line=7}");
  }

  @Test
  void fieldsTheFastDecoderDoesNotTakeGoTheGeneralWay() throws Exception {
    ShapeProto tiled = small().getComputations(0).getInstructions(1).getShape().toBuilder().setLayout(
        LayoutProto.newBuilder().addMinorToMajor(1).addMinorToMajor(0)
            .addTiles(TileProto.newBuilder().addDimensions(8).addDimensions(128))).build();
    List<HloModuleProto> variants = List.of(
        // control predecessors: the whole computation (they are named by its other instructions)
        withInstruction(2, i -> i.addControlPredecessorIds(1)),
        // a tiled layout: that shape
        withInstruction(1, i -> i.setShape(tiled)),
        // a dot's dimension numbers: that instruction
        withInstruction(2, i -> i.setOpcode("dot").setDotDimensionNumbers(DotDimensionNumbers.newBuilder()
            .addLhsContractingDimensions(1).addRhsContractingDimensions(0))),
        // a literal on an instruction that is not a constant: that instruction
        withInstruction(2, i -> i.setLiteral(LiteralProto.newBuilder().addF32S(1f))));
    for (HloModuleProto v : variants) {
      byte[] bytes = v.toByteArray();
      WireDecoder.Decoded d = fast(bytes);
      assertThat(d.generalReads()).as(v.toString()).isEqualTo(1);
      assertThat(d.module()).as(v.toString()).isEqualTo(general(bytes));
    }
  }

  @Test
  void constantsAreDecodedHereWithTheirLiteralWrittenAsTheGeneralPathWritesIt() throws Exception {
    ShapeProto scalar = ShapeProto.newBuilder().setElementType(PrimitiveType.F32).build();
    ShapeProto vector = ShapeProto.newBuilder().setElementType(PrimitiveType.S32).addDimensions(3)
        .setLayout(LayoutProto.newBuilder().addMinorToMajor(0)).build();
    ShapeProto bf16 = ShapeProto.newBuilder().setElementType(PrimitiveType.BF16).addDimensions(2).addDimensions(2)
        .setLayout(LayoutProto.newBuilder().addMinorToMajor(1).addMinorToMajor(0)).build();
    List<HloInstructionProto.Builder> constants = List.of(
        HloInstructionProto.newBuilder().setShape(scalar).setLiteral(LiteralProto.newBuilder().addF32S(-0.5f)),
        HloInstructionProto.newBuilder().setShape(scalar).setLiteral(LiteralProto.newBuilder().addF32S(Float.NaN)),
        HloInstructionProto.newBuilder().setShape(vector).setLiteral(LiteralProto.newBuilder().addS32S(1).addS32S(-2)
            .addS32S(3)),
        HloInstructionProto.newBuilder().setShape(bf16).setLiteral(LiteralProto.newBuilder()
            .setBf16S(ByteString.copyFrom(new byte[] {0, 0x3f, (byte) 0x80, 0x3f, 0, 0, 0, 0x40}))),
        HloInstructionProto.newBuilder().setShape(vector).setLiteral(LiteralProto.newBuilder().addS32S(1)), // too few
        HloInstructionProto.newBuilder().setShape(scalar)); // no literal: elided
    for (HloInstructionProto.Builder c : constants) {
      byte[] bytes = withInstruction(1, i -> i.clearParameterNumber().setOpcode("constant").setShape(c.getShape())
          .setLiteral(c.getLiteral()).setMetadata(OpMetadata.newBuilder().setOpName("jit(f)/c"))).toByteArray();
      if (!c.hasLiteral()) {
        bytes = withInstruction(1, i -> i.clearParameterNumber().setOpcode("constant").setShape(c.getShape())
            .clearLiteral()).toByteArray();
      }
      WireDecoder.Decoded d = fast(bytes);
      HloModule expected = general(bytes);
      assertThat(d.generalReads()).as(c.toString()).isZero();
      assertThat(d.module()).as(c.toString()).isEqualTo(expected);
      assertThat(d.module().toString()).isEqualTo(expected.toString());
    }
    byte[] bytes = withInstruction(1, i -> i.clearParameterNumber().setOpcode("constant").setShape(
        ShapeProto.newBuilder().setElementType(PrimitiveType.F32)).setLiteral(LiteralProto.newBuilder().addF32S(2.5f)))
        .toByteArray();
    assertThat(fast(bytes).module().entry().instructions().get(1).attributes()).containsEntry("literal", "2.5");
  }

  /** The module's bytes with {@code extra} appended to the bytes of instruction {@code index}. */
  private static byte[] withInstructionBytes(HloModuleProto m, int index, byte[] extra) throws IOException {
    HloComputationProto c = m.getComputations(0);
    ByteArrayOutputStream comp = new ByteArrayOutputStream();
    CodedOutputStream co = CodedOutputStream.newInstance(comp);
    co.writeString(1, c.getName());
    for (int k = 0; k < c.getInstructionsCount(); k++) {
      ByteString b = c.getInstructions(k).toByteString();
      co.writeBytes(2, k == index ? b.concat(ByteString.copyFrom(extra)) : b);
    }
    co.writeInt64(5, c.getId());
    co.writeInt64(6, c.getRootId());
    co.flush();
    ByteArrayOutputStream mod = new ByteArrayOutputStream();
    CodedOutputStream mo = CodedOutputStream.newInstance(mod);
    mo.writeString(1, m.getName());
    mo.writeBytes(3, ByteString.copyFrom(comp.toByteArray()));
    mo.writeInt64(5, m.getId());
    mo.writeInt64(6, m.getEntryComputationId());
    mo.flush();
    return mod.toByteArray();
  }

  @Test
  void aMessageGivenTwiceIsMergedAsProtobufMergesIt() throws Exception {
    // a second metadata message for p0 with a source line: protobuf merges it into the first
    byte[] extra = HloInstructionProto.newBuilder()
        .setMetadata(OpMetadata.newBuilder().setSourceLine(42)).build().toByteArray();
    byte[] bytes = withInstructionBytes(small(), 0, extra);
    assertThatThrownBy(() -> fast(bytes)).isInstanceOf(WireDecoder.NotFast.class);
    HloModule m = HloProtoReader.read(bytes, "twice").module();
    assertThat(m).isEqualTo(general(bytes));
    assertThat(m.entry().instructions().get(0).attributes())
        .containsEntry("metadata", "{op_name=\"jit(f)/x\" source_line=42}");
  }

  @Test
  void unknownFieldsAreSkippedAsProtobufSkipsThem() throws Exception {
    // field 1000 (varint) and field 1001 (bytes): unknown to both paths
    ByteArrayOutputStream extra = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(extra);
    o.writeInt64(1000, 5);
    o.writeBytes(1001, ByteString.copyFromUtf8("x"));
    o.flush();
    byte[] bytes = withInstructionBytes(small(), 2, extra.toByteArray());
    WireDecoder.Decoded d = fast(bytes);
    assertThat(d.module()).isEqualTo(general(bytes));
  }

  @Test
  void mutatedBytesReadAsTheGeneralPathReadsThem() throws Exception {
    Path f = Samples.files("pb").get(0);
    byte[] original = HloProtoWriter.write(HloProtoReader.read(Files.readAllBytes(f), f.toString()).module());
    Random random = new Random(15);
    int loaded = 0;
    for (int trial = 0; trial < 400; trial++) {
      byte[] bytes = original.clone();
      for (int k = 1 + random.nextInt(3); k > 0; k--) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      HloModule expected;
      String expectedError;
      try {
        expected = general(bytes);
        expectedError = null;
      } catch (HloParseException e) {
        expected = null;
        expectedError = e.getMessage();
      }
      try {
        HloModule m = HloProtoReader.read(bytes, "general").module();
        assertThat(expectedError).as("trial %d: only the fast path read it", trial).isNull();
        assertThat(m).as("trial %d", trial).isEqualTo(expected);
        loaded++;
      } catch (HloParseException e) {
        assertThat(e.getMessage()).as("trial %d", trial).isEqualTo(expectedError);
      }
    }
    assertThat(loaded).isBetween(1, 399); // some mutations keep the module readable, some do not
  }
}
