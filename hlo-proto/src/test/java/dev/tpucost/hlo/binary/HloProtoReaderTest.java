package dev.tpucost.hlo.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.hlo.HloParseException;
import dev.tpucost.hlo.Samples;
import dev.tpucost.hlo.wire.HloProto;
import dev.tpucost.hlo.wire.HloSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HloProtoReaderTest {
  @Test
  void everyBinarySampleLoadsAndRoundTrips() throws Exception {
    for (Path f : Samples.files("pb")) {
      HloProtoReader.Result r = HloProtoReader.read(Files.readAllBytes(f), f.toString());
      HloModule m = r.module();
      assertThat(m.instructionCount()).as(f.toString()).isPositive();
      HloModule again = HloProtoReader.read(HloProtoWriter.write(m), "rewritten " + f).module();
      assertThat(again).as(f.toString()).isEqualTo(m);
      assertThat(Kernels.of(m)).as(f.toString()).isNotNull();
    }
  }

  @Test
  void detectsTheContainer() throws Exception {
    Path f = Samples.dir().resolve("pb/hlo_opt_hlo_protobinary.pb");
    HloProtoReader.Result r = HloProtoReader.read(Files.readAllBytes(f), f.toString());
    assertThat(r.container()).isEqualTo(HloProtoReader.Container.HLO_PROTO);
    assertThat(r.module().name()).isEqualTo("module_mod1");
    assertThat(r.module().entry().name()).isEqualTo("mod1");
    Instruction root = r.module().entry().root();
    assertThat(root.opcode()).isEqualTo(Opcode.CONSTANT);
    assertThat(root.shape().toText()).startsWith("s8[]");
    assertThat(root.attributes()).containsEntry("literal", "0");

    byte[] bare = HloProto.parseFrom(Files.readAllBytes(f)).getHloModule().toByteArray();
    assertThat(HloProtoReader.read(bare, "bare").container()).isEqualTo(HloProtoReader.Container.HLO_MODULE_PROTO);
    byte[] snapshot = HloSnapshot.newBuilder().setHlo(HloProto.parseFrom(Files.readAllBytes(f)))
        .setExecutionPlatform("Host").build().toByteArray();
    HloProtoReader.Result s = HloProtoReader.read(snapshot, "snapshot");
    assertThat(s.container()).isEqualTo(HloProtoReader.Container.HLO_SNAPSHOT);
    assertThat(s.module()).isEqualTo(r.module());
  }

  @Test
  void longMetadataIsWrittenAndReadBack() {
    // 200 k characters with escapes: the writer's metadata pattern once recursed per character
    String opName = "jit(f)/" + "a\\\"b".repeat(50_000);
    dev.tpucost.api.shape.Shape f32 = dev.tpucost.api.shape.Shape.parse("f32[4]");
    Instruction p = Instruction.builder(1, "p", Opcode.PARAMETER, f32).parameterNumber(0)
        .attribute("metadata", "{op_name=" + dev.tpucost.hlo.AttributeValues.quote(opName) + " source_line=3}").build();
    HloModule m = HloModule.of("m", dev.tpucost.api.hlo.Computation.of(1, "c", java.util.List.of(p)));
    HloModule back = HloProtoReader.read(HloProtoWriter.write(m), "long").module();
    assertThat(back).isEqualTo(m);
    assertThat(back.entry().root().attributes().get("metadata")).contains("a\\\\\\\"b").endsWith(" source_line=3}");
  }

  @Test
  void oldFilesWithReservedLayoutFieldsLoad() throws Exception {
    Path f = Samples.dir().resolve("pb/jit_keras.hlo.pb");
    HloModule m = HloProtoReader.read(Files.readAllBytes(f), f.toString()).module();
    assertThat(m.computations()).hasSize(4);
    assertThat(m.instructionCount()).isEqualTo(297);
  }

  @Test
  void corruptInputFailsWithTheDocumentedException() throws Exception {
    for (Path f : Samples.files("pb")) {
      byte[] good = Files.readAllBytes(f);
      Random r = new Random(f.getFileName().toString().hashCode());
      for (int trial = 0; trial < 300; trial++) {
        byte[] bad;
        switch (trial % 3) {
          case 0 -> bad = java.util.Arrays.copyOf(good, r.nextInt(good.length));
          case 1 -> {
            bad = good.clone();
            for (int flips = 1 + r.nextInt(4); flips > 0; flips--) {
              bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
            }
          }
          default -> {
            bad = new byte[r.nextInt(512)];
            r.nextBytes(bad);
          }
        }
        try {
          HloModule m = HloProtoReader.read(bad, f + " #" + trial).module();
          assertThat(m.entry()).isNotNull();
        } catch (HloParseException expected) {
          assertThat(expected.getMessage()).startsWith(f + " #" + trial + ": ");
        }
      }
    }
  }

  @Test
  void errorsNameTheField() {
    byte[] junk = {0x0a, 0x05, 'h', 'e', 'l'};
    assertThatThrownBy(() -> HloProtoReader.read(junk, "junk.pb"))
        .isInstanceOf(HloParseException.class)
        .hasMessageStartingWith("junk.pb: not an HloModuleProto, HloProto or HloSnapshot");
    var proto = dev.tpucost.hlo.wire.HloModuleProto.newBuilder().setName("m")
        .addComputations(dev.tpucost.hlo.wire.HloComputationProto.newBuilder().setName("c").setId(1)
            .addInstructions(dev.tpucost.hlo.wire.HloInstructionProto.newBuilder().setName("x").setId(1)
                .setOpcode("parameter").setShape(dev.tpucost.hlo.wire.ShapeProto.newBuilder().setElementTypeValue(11)))
            .addInstructions(dev.tpucost.hlo.wire.HloInstructionProto.newBuilder().setName("y").setId(2)
                .setOpcode("frobnicate").addOperandIds(1)
                .setShape(dev.tpucost.hlo.wire.ShapeProto.newBuilder().setElementTypeValue(11))))
        .build();
    assertThatThrownBy(() -> HloProtoReader.read(proto.toByteArray(), "f.pb"))
        .isInstanceOf(HloParseException.class)
        .hasMessage("f.pb: computations[0] 'c' > instructions[1] 'y' > opcode: unknown opcode 'frobnicate'");
    var badShape = proto.toBuilder().setComputations(0, proto.getComputations(0).toBuilder()
        .setInstructions(1, proto.getComputations(0).getInstructions(1).toBuilder().setOpcode("negate")
            .setShape(dev.tpucost.hlo.wire.ShapeProto.newBuilder().setElementTypeValue(99))))
        .build();
    assertThatThrownBy(() -> HloProtoReader.read(badShape.toByteArray(), "f.pb"))
        .hasMessage("f.pb: computations[0] 'c' > instructions[1] 'y' > shape > element_type: unknown element type 99");
  }

  @Test
  void acceptsUnpackedRepeatedFields() throws Exception {
    // An instruction whose operand_ids (field 36) are written unpacked, one varint per tag, as proto2
    // writers do; protobuf's own writer packs them.
    var shape = dev.tpucost.hlo.wire.ShapeProto.newBuilder().setElementTypeValue(11).addDimensions(4).build();
    var p0 = dev.tpucost.hlo.wire.HloInstructionProto.newBuilder().setName("a").setId(1).setOpcode("parameter").setShape(shape);
    var p1 = p0.clone().setName("b").setId(2).setParameterNumber(1);
    java.io.ByteArrayOutputStream add = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(add);
    out.writeString(1, "c");
    out.writeString(2, "add");
    out.writeMessage(3, shape);
    out.writeInt64(35, 3);
    out.writeInt64(36, 1); // unpacked: tag (36, varint) per element
    out.writeInt64(36, 2);
    out.flush();
    var addInstr = dev.tpucost.hlo.wire.HloInstructionProto.parseFrom(add.toByteArray());
    assertThat(addInstr.getOperandIdsList()).containsExactly(1L, 2L);
    var module = dev.tpucost.hlo.wire.HloModuleProto.newBuilder().setName("m").setEntryComputationId(1)
        .addComputations(dev.tpucost.hlo.wire.HloComputationProto.newBuilder().setName("e").setId(1).setRootId(3)
            .addInstructions(p0).addInstructions(p1).addInstructions(addInstr))
        .build();
    HloModule m = HloProtoReader.read(module.toByteArray(), "unpacked.pb").module();
    assertThat(m.entry().root().operandIds()).containsExactly(1, 2);
  }
}
