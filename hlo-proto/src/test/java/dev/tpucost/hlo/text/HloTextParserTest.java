package dev.tpucost.hlo.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tpucost.api.hlo.ComparisonDirection;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.hlo.HloFiles;
import dev.tpucost.hlo.HloParseException;
import dev.tpucost.hlo.Samples;
import dev.tpucost.hlo.binary.HloProtoReader;
import dev.tpucost.hlo.binary.HloProtoWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HloTextParserTest {
  @Test
  void everyTextSampleLoadsAndRoundTrips() throws Exception {
    for (Path f : Samples.files("text")) {
      HloFiles.Loaded loaded = HloFiles.load(f);
      assertThat(loaded.format()).as(f.toString()).isEqualTo(HloFiles.Format.TEXT);
      HloModule m = loaded.module();
      String printed = HloTextPrinter.print(m);
      HloModule again = HloTextParser.parse(printed, "printed " + f);
      assertThat(again).as(f.toString()).isEqualTo(m);
      assertThat(HloTextPrinter.print(again)).isEqualTo(printed);
      assertThat(Kernels.of(m)).as(f.toString()).isNotNull();
    }
  }

  @Test
  void theBinaryTestVectorEqualsItsText() throws Exception {
    Path dir = Samples.dir();
    HloModule fromText = HloFiles.load(dir.resolve("text/hlo_opt_hlo_protobinary_to_hlotext.hlo")).module();
    HloModule fromProto = HloFiles.load(dir.resolve("pb/hlo_opt_hlo_protobinary.pb")).module();
    assertThat(fromText.entry().name()).isEqualTo(fromProto.entry().name()).isEqualTo("mod1");
    Instruction a = fromText.entry().root();
    Instruction b = fromProto.entry().root();
    assertThat(a.name()).isEqualTo(b.name()).isEqualTo("a");
    assertThat(a.opcode()).isEqualTo(b.opcode()).isEqualTo(Opcode.CONSTANT);
    assertThat(a.shape().withoutLayout()).isEqualTo(b.shape().withoutLayout());
    assertThat(a.attributes()).isEqualTo(b.attributes());
    // Printing the binary module gives text that parses to the text module (up to the module name).
    HloModule reparsed = HloTextParser.parse(HloTextPrinter.print(fromProto), "printed");
    assertThat(reparsed.entry().root().attributes()).isEqualTo(a.attributes());
  }

  @Test
  void textToProtoAndBackKeepsTheStructure() throws Exception {
    for (Path f : Samples.files("text")) {
      HloModule m = HloFiles.load(f).module();
      HloModule viaProto = HloProtoReader.read(HloProtoWriter.write(m), "pb of " + f).module();
      assertThat(viaProto.instructionCount()).as(f.toString()).isEqualTo(m.instructionCount());
      List<Kernel> ka = Kernels.of(m);
      List<Kernel> kb = Kernels.of(viaProto);
      assertThat(kb).hasSameSizeAs(ka);
      for (int i = 0; i < ka.size(); i++) {
        assertThat(kb.get(i).stats()).as(f + " " + ka.get(i).name()).isEqualTo(ka.get(i).stats());
      }
    }
  }

  @Test
  void parsesTheFormsRealDumpsUse() {
    String text = """
        HloModule m, entry_computation_layout={(f32[8,32]{1,0})->f32[8]{0}}, replica_count=1

        FileNames
        1 "a.py"
        StackFrames
        1 {file_location_id=1 parent_frame_id=1}

        %add (x: f32[], y: f32[]) -> f32[] {
          %x = f32[] parameter(0)
          %y = f32[] parameter(1)
          ROOT %s = f32[] add(f32[] %x, f32[] %y)
        }

        ENTRY %main (p: f32[8,32]) -> f32[8] {
          // a comment line
          %p = f32[8,32]{1,0:T(8,128)} parameter(0), sharding={replicated}
          %z = f32[] constant(0)
          ROOT %r = f32[8]{0} reduce(%p, /*index=1*/%z),
            dimensions={1}, to_apply=%add,
            metadata={op_name="jit(f)/reduce_sum" source_file="a.py" source_line=3}
          %c = pred[8]{0} compare(%r, %r), direction=LT, type=FLOAT
          %p3 = f32[8,32,1]{2,1,0} reshape(%p)
          %w = f32[8,32,1]{2,1,0} convolution(%p3, %p3), window={size=3 stride=2 pad=1_1 rhs_dilate=2}, dim_labels=bf0_io0->bf0, feature_group_count=1
          %g = f32[8,32]{1,0} fusion(%p), kind=kLoop, calls=%add, backend_config={"k":{"v":[1,2]}}
        }
        """;
    HloModule m = HloTextParser.parse(text, "t.hlo");
    assertThat(m.name()).isEqualTo("m");
    assertThat(m.attributes()).containsEntry("replica_count", "1")
        .containsEntry("entry_computation_layout", "{(f32[8,32]{1,0})->f32[8]{0}}");
    Computation main = m.entry();
    assertThat(main.name()).isEqualTo("main");
    Instruction r = main.root();
    assertThat(r.name()).isEqualTo("r");
    assertThat(r.dimensions()).containsExactly(1);
    assertThat(r.calledComputationIds()).containsExactly(m.computations().get(0).id());
    assertThat(r.attributes().get("metadata")).contains("reduce_sum");
    assertThat(main.instruction(r.operandId(1)).orElseThrow().attributes()).containsEntry("literal", "0");
    Instruction c = main.instructions().stream().filter(i -> i.name().equals("c")).findFirst().orElseThrow();
    assertThat(c.comparisonDirection()).contains(ComparisonDirection.LT);
    assertThat(c.attributes()).containsEntry("type", "FLOAT");
    Instruction w = main.instructions().stream().filter(i -> i.name().equals("w")).findFirst().orElseThrow();
    assertThat(w.window().orElseThrow().dim(0).windowDilation()).isEqualTo(2);
    assertThat(w.window().orElseThrow().dim(0).paddingLow()).isEqualTo(1);
    assertThat(w.convolutionDimensions().orElseThrow().kernelOutputFeature()).isEqualTo(1);
    Instruction g = main.instructions().stream().filter(i -> i.name().equals("g")).findFirst().orElseThrow();
    assertThat(g.fusionKind()).contains(FusionKind.LOOP);
    assertThat(g.backendConfig()).contains("{\"k\":{\"v\":[1,2]}}");
    assertThat(main.parameter(0).attributes()).containsEntry("sharding", "{replicated}");
    assertThat(main.parameter(0).shape().layout().orElseThrow().tiles()).hasSize(1);
  }

  @Test
  void ordersOperandsUsedBeforeTheyAreDefined() {
    HloModule m = HloTextParser.parse("""
        ENTRY e {
          ROOT b = f32[2] negate(a)
          a = f32[2] parameter(0)
        }
        """, "t");
    assertThat(m.entry().instructions()).extracting(Instruction::name).containsExactly("a", "b");
    assertThat(m.entry().root().name()).isEqualTo("b");
  }

  @Test
  void errorsGiveLineColumnAndWhatWasExpected() {
    assertThatThrownBy(() -> HloTextParser.parse("ENTRY e {\n  a = f32[2] parameter(0)\n  b = f32[2] frob(a)\n}", "f.hlo"))
        .isInstanceOf(HloParseException.class)
        .hasMessage("f.hlo:3:14: expected a known opcode, not 'frob', found 'frob(a)'");
    assertThatThrownBy(() -> HloTextParser.parse("ENTRY e {\n  a = f32[2 parameter(0)\n}", "f.hlo"))
        .hasMessageStartingWith("f.hlo:2:13: expected ']'");
    assertThatThrownBy(() -> HloTextParser.parse("ENTRY e {\n  b = f32[2] negate(zz)\n}", "f.hlo"))
        .hasMessageStartingWith("f.hlo:2:21: expected an instruction of 'e'; operand 'zz' is not defined there");
    assertThatThrownBy(() -> HloTextParser.parse("ENTRY e {\n  a = f32[2] parameter(0)\n  b = f32[2] fusion(a), kind=kLoop, calls=nope\n}", "f.hlo"))
        .hasMessageStartingWith("f.hlo:3:43: expected a computation of the module; 'nope' is not defined");
    assertThatThrownBy(() -> HloTextParser.parse("ENTRY e {\n  a = f32[2] parameter(0), x={(\n}", "f.hlo"))
        .hasMessageStartingWith("f.hlo:3:1: expected a matching bracket for the group opened at 2:30");
    assertThatThrownBy(() -> HloTextParser.parse("ENTRY e {\n  a = f32[2] negate(b)\n  b = f32[2] negate(a)\n}", "f.hlo"))
        .hasMessageContaining("depends on itself");
    assertThatThrownBy(() -> HloTextParser.parse("", "empty.hlo")).hasMessageStartingWith("empty.hlo:1:1: expected a computation");
    assertThatThrownBy(() -> HloTextParser.parse("ENTRY e {\n  a = f32[2] compare(a), direction=XX\n}", "f.hlo"))
        .hasMessageContaining("a comparison direction");
  }

  @Test
  void damagedSamplesFailOnlyWithTheDocumentedException() throws Exception {
    for (Path f : Samples.files("text")) {
      String good = Files.readString(f);
      java.util.Random r = new java.util.Random(f.getFileName().toString().hashCode());
      String alphabet = "{}()[],=%:\"/*\n abc019-_.xT";
      for (int trial = 0; trial < 100; trial++) {
        StringBuilder sb = new StringBuilder(good);
        if (trial % 4 == 0) {
          sb.setLength(r.nextInt(sb.length()));
        } else {
          for (int e = 1 + r.nextInt(3); e > 0 && sb.length() > 0; e--) {
            int at = r.nextInt(sb.length());
            switch (r.nextInt(3)) {
              case 0 -> sb.deleteCharAt(at);
              case 1 -> sb.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
              default -> sb.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
            }
          }
        }
        try {
          HloModule m = HloTextParser.parse(sb.toString(), "damaged");
          assertThat(HloTextParser.parse(HloTextPrinter.print(m), "again")).isEqualTo(m);
        } catch (HloParseException expected) {
          assertThat(expected.line()).isPositive();
        }
      }
    }
  }

  // XLA's hlo_parser_test.cc, AsyncOpsWithSyntaxSugar (with an async thread name and a group id).
  private static final String CUSTOM_CALL_SUGAR = """
      HloModule AsyncOpsWithSyntaxSugar, entry_computation_layout={(f32[10]{0})->f32[20]{0}}

      ENTRY %Entry (p0: f32[10]) -> f32[20] {
        %p0 = f32[10]{0} parameter(0)
        %async-start = ((f32[10]{0}), f32[20]{0}, s32[]) custom-call-start(f32[10]{0} %p0), async_execution_thread="parallel_thread", async_group_id=3, custom_call_target="foo"
        %async-update = ((f32[10]{0}), f32[20]{0}, s32[]) custom-call-update(((f32[10]{0}), f32[20]{0}, s32[]) %async-start)
        ROOT %async-done = f32[20]{0} custom-call-done(((f32[10]{0}), f32[20]{0}, s32[]) %async-update)
      }
      """;

  @Test
  void asyncSyntaxSugarIsReadAsAsyncOpsWrappingTheOp() {
    HloModule m = HloTextParser.parse(CUSTOM_CALL_SUGAR, "sugar.hlo");
    Computation entry = m.entry();
    Instruction start = entry.instructions().get(1);
    assertThat(start.opcode()).isEqualTo(Opcode.ASYNC_START);
    assertThat(start.attributes()).containsEntry("async_execution_thread", "\"parallel_thread\"")
        .containsEntry("async_group_id", "3");
    assertThat(start.customCallTarget()).isEmpty();
    Computation wrapped = m.computationById(start.calledComputationId(0));
    assertThat(wrapped.size()).isEqualTo(2);
    assertThat(wrapped.parameter(0).shape().toText()).isEqualTo("f32[10]{0}");
    assertThat(wrapped.root().opcode()).isEqualTo(Opcode.CUSTOM_CALL);
    assertThat(wrapped.root().customCallTarget()).contains("foo");
    assertThat(wrapped.root().shape().toText()).isEqualTo("f32[20]{0}");
    assertThat(entry.instructions().get(2).opcode()).isEqualTo(Opcode.ASYNC_UPDATE);
    assertThat(entry.root().opcode()).isEqualTo(Opcode.ASYNC_DONE);
    // The wrapped custom-call is the kernel a TPU runs.
    assertThat(Kernels.of(m)).extracting(Kernel::name).containsExactly(wrapped.root().name());
  }

  @Test
  void asyncSyntaxSugarPrintsBackTheSameWay() {
    HloModule m = HloTextParser.parse(CUSTOM_CALL_SUGAR, "sugar.hlo");
    String printed = HloTextPrinter.print(m);
    assertThat(printed).contains(
        "async-start = ((f32[10]{0}), f32[20]{0}, s32[]) custom-call-start(p0), custom_call_target=\"foo\","
            + " async_execution_thread=\"parallel_thread\", async_group_id=3",
        "custom-call-update(async-start)", "ROOT async-done = f32[20]{0} custom-call-done(async-update)");
    assertThat(printed).doesNotContain("async-start(", "wrapped_custom_call_computation");
    assertThat(HloTextParser.parse(printed, "again")).isEqualTo(m);
    // The protobuf form has no sugar (nor module attributes, nor the group id XLA has dropped from it); it
    // round-trips through the explicit async ops.
    HloModule plain = HloTextParser.parse(CUSTOM_CALL_SUGAR
        .replace(", entry_computation_layout={(f32[10]{0})->f32[20]{0}}", "").replace(", async_group_id=3", ""), "p");
    assertThat(HloProtoReader.read(HloProtoWriter.write(plain), "pb").module()).isEqualTo(plain);
  }

  @Test
  void anyOpCanBeWrappedWithAttributesOnTheWrappedOp() {
    String text = """
        HloModule a2a
        ENTRY e {
          p = c64[128,256,512]{1,0,2} parameter(0)
          s = ((c64[128,256,512]{1,0,2}), c64[128,256,512]{1,0,2}) all-to-all-start(p), channel_id=1, replica_groups={{0,1},{2,3}}, dimensions={2}, backend_config={"operation_queue_id":"0"}
          ROOT d = c64[128,256,512]{1,0,2} all-to-all-done(s)
        }
        """;
    HloModule m = HloTextParser.parse(text, "a2a.hlo");
    Instruction start = m.entry().instructions().get(1);
    assertThat(start.opcode()).isEqualTo(Opcode.ASYNC_START);
    assertThat(start.backendConfig()).contains("{\"operation_queue_id\":\"0\"}");
    Instruction a2a = m.computationById(start.calledComputationId(0)).root();
    assertThat(a2a.opcode()).isEqualTo(Opcode.ALL_TO_ALL);
    assertThat(a2a.dimensions()).containsExactly(2);
    assertThat(a2a.attributes()).containsEntry("channel_id", "1").containsEntry("replica_groups", "{{0,1},{2,3}}");
    assertThat(HloTextParser.parse(HloTextPrinter.print(m), "again")).isEqualTo(m);
    assertThat(HloTextPrinter.print(m)).contains("all-to-all-start(p), dimensions={2}", "all-to-all-done(s)");
    // A sugared start needs the (operands, result, ...) tuple shape; an unknown wrapped op is named.
    assertThatThrownBy(() -> HloTextParser.parse(text.replace("((c64[128,256,512]{1,0,2}), c64[128,256,512]{1,0,2})", "c64[1]"), "bad.hlo"))
        .isInstanceOf(HloParseException.class).hasMessageContaining("an async start shape");
    assertThatThrownBy(() -> HloTextParser.parse(text.replace("all-to-all-start", "all-to-nowhere-start"), "bad.hlo"))
        .isInstanceOf(HloParseException.class).hasMessageContaining("a known opcode, not 'all-to-nowhere-start'");
  }
}
