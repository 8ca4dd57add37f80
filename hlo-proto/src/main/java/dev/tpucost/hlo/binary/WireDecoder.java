package dev.tpucost.hlo.binary;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import dev.tpucost.api.hlo.ComparisonDirection;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.SliceDimension;
import dev.tpucost.api.shape.ElementType;
import dev.tpucost.api.shape.Layout;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.hlo.HloParseException;
import dev.tpucost.hlo.wire.HloComputationProto;
import dev.tpucost.hlo.wire.HloInstructionProto;
import dev.tpucost.hlo.wire.LiteralProto;
import dev.tpucost.hlo.wire.ProgramShapeProto;
import dev.tpucost.hlo.wire.ShapeProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fast path of {@link HloProtoReader}: decodes a bare {@code HloModuleProto} from its bytes straight
 * into the IR with protobuf's {@link CodedInputStream}, without building protobuf-java's message tree
 * first (which cost as much as the conversion: about 2 ms of 4.6 for a 441 KB module).
 *
 * <p>It decodes field by field what nearly every instruction of a real module carries (name, opcode,
 * shape with a minor-to-major layout, operands, called computations, metadata, parameter number, tuple
 * index, dimensions, slices, comparison direction and type, fusion kind, group counts, custom-call target,
 * backend config, and a constant's literal, which protobuf-java parses alone and {@link LiteralText} writes as
 * the general path does). An instruction with any other field, or of an opcode whose attributes the general
 * path derives (RNG, FFT, ...), is parsed alone by protobuf-java and converted by the
 * reader's general path; so is a shape with any other layout field, and a whole computation when one of
 * its instructions has control predecessors (they are named by the computation's other instructions).
 * Both paths therefore give equal modules ({@code WireDecoderTest}).
 *
 * <p>Fields it does not read are still checked as protobuf-java checks them (program shapes parsed, strings
 * checked for UTF-8), so corrupt bytes are refused by both paths alike. It never reports an error itself:
 * anything unexpected (malformed bytes, an unknown opcode or element type, a message field given twice, which
 * protobuf would merge, a value a builder rejects) throws {@link NotFast}, and the reader then reads the bytes
 * the general way, which names the field at fault.
 */
final class WireDecoder {
  /** The bytes need the general path. Carries no stack trace: it is control flow, not an error. */
  static final class NotFast extends Exception {
    private static final long serialVersionUID = 1L;

    NotFast() {
      super(null, null, false, false);
    }
  }

  /** Opcodes whose text attributes {@link ProtoAttributes#read} derives from the opcode itself. */
  private static final Set<Opcode> GENERAL_OPCODES = EnumSet.of(
      Opcode.REDUCE_PRECISION, Opcode.BATCH_NORM_TRAINING, Opcode.BATCH_NORM_INFERENCE,
      Opcode.BATCH_NORM_GRAD, Opcode.FFT, Opcode.TOP_K, Opcode.RNG, Opcode.RNG_BIT_GENERATOR,
      Opcode.RNG_GET_AND_UPDATE_STATE);

  private static final int VARINT = WireFormat.WIRETYPE_VARINT;
  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final long[] NONE = new long[0];
  private static final int[] NO_LAYOUT = new int[0];
  /** Nested tuple shapes decoded here; deeper ones go the general way (protobuf's own limit is 100 messages). */
  private static final int MAX_TUPLE_DEPTH = 64;

  private final byte[] bytes;
  private final HloProtoReader reader;
  private final CodedInputStream in;
  private long[] scratch = new long[16];
  private int generalReads;
  private int depth;

  private WireDecoder(byte[] bytes, HloProtoReader reader) {
    this.bytes = bytes;
    this.reader = reader;
    this.in = CodedInputStream.newInstance(bytes);
  }

  /**
   * Decodes {@code bytes} as a bare {@code HloModuleProto} with at least one computation.
   *
   * @throws NotFast if the bytes are anything else or anything in them needs the general path
   */
  static HloModule decode(byte[] bytes, HloProtoReader reader) throws NotFast {
    return decodeCounting(bytes, reader).module();
  }

  /** A decoded module and how many computations, instructions and shapes went the general way. */
  record Decoded(HloModule module, int generalReads) {}

  /** {@link #decode}, counting the general reads (for tests). */
  static Decoded decodeCounting(byte[] bytes, HloProtoReader reader) throws NotFast {
    try {
      WireDecoder d = new WireDecoder(bytes, reader);
      return new Decoded(d.module(), d.generalReads);
    } catch (IOException | HloParseException | IllegalArgumentException | IllegalStateException e) {
      throw new NotFast();
    }
  }

  private HloModule module() throws IOException, NotFast {
    String name = "";
    String entryName = "";
    long id = 0;
    long entryId = 0;
    List<HloProtoReader.Parts> computations = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | LEN -> name = in.readStringRequireUtf8();
        case 2 << 3 | LEN -> entryName = in.readStringRequireUtf8();
        case 3 << 3 | LEN -> computations.add(computation(computations.size()));
        case 5 << 3 | VARINT -> id = in.readInt64();
        case 6 << 3 | VARINT -> entryId = in.readInt64();
        case 4 << 3 | LEN -> ProgramShapeProto.parseFrom(in.readBytes()); // unread, but checked as protobuf does
        case 21 << 3 | LEN -> in.readStringRequireUtf8(); // device_type: unread, its UTF-8 checked
        default -> skip(tag);
      }
    }
    if (computations.isEmpty()) {
      throw new NotFast();
    }
    return reader.assemble(name, id, entryId, entryName, computations);
  }

  /** Closes a nested message, which must have ended exactly at its length (else it was truncated). */
  private void end(int outer) throws NotFast {
    if (in.getBytesUntilLimit() != 0) {
      throw new NotFast();
    }
    in.popLimit(outer);
  }

  private void skip(int tag) throws IOException, NotFast {
    if (!in.skipField(tag)) {
      throw new NotFast(); // an end-group tag outside a group
    }
  }

  private HloProtoReader.Parts computation(int index) throws IOException, NotFast {
    int length = in.readRawVarint32();
    int start = in.getTotalBytesRead();
    int outer = in.pushLimit(length);
    String name = "";
    long id = 0;
    long root = 0;
    boolean fusion = false;
    boolean general = false;
    List<Instruction> instructions = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | LEN -> name = in.readStringRequireUtf8();
        case 2 << 3 | LEN -> {
          if (general) {
            skip(tag); // the whole computation is read the general way below
          } else {
            Instruction i = instruction();
            if (i == null) {
              general = true;
            } else {
              instructions.add(i);
            }
          }
        }
        case 5 << 3 | VARINT -> id = in.readInt64();
        case 6 << 3 | VARINT -> root = in.readInt64();
        case 7 << 3 | VARINT -> fusion = in.readBool();
        case 4 << 3 | LEN -> ProgramShapeProto.parseFrom(in.readBytes()); // unread, but checked as protobuf does
        case 8 << 3 | LEN -> in.readStringRequireUtf8(); // execution_thread: unread, its UTF-8 checked
        default -> skip(tag);
      }
    }
    end(outer);
    if (general) {
      generalReads++;
      HloComputationProto c = HloComputationProto.parseFrom(CodedInputStream.newInstance(bytes, start, length));
      instructions = reader.instructions(c, "computations[" + index + "] '" + name + "'");
    }
    return new HloProtoReader.Parts(name, id, root, fusion, instructions);
  }

  /**
   * One instruction, or null if its computation needs the general path (control predecessors). The
   * instruction's bytes are consumed either way.
   */
  private Instruction instruction() throws IOException, NotFast {
    int length = in.readRawVarint32();
    int start = in.getTotalBytesRead();
    int outer = in.pushLimit(length);
    String name = "";
    Opcode op = null;
    Shape shape = null;
    long id = 0;
    long[] operands = NONE;
    long[] called = NONE;
    long[] dimensions = NONE;
    long[] dynamicSliceSizes = NONE;
    List<SliceDimension> slice = null;
    long parameterNumber = 0;
    long tupleIndex = 0;
    long featureGroups = 0;
    long batchGroups = 0;
    String fusionKind = "";
    String direction = "";
    String comparisonType = "";
    String customCall = "";
    String backendConfig = "";
    String metadata = null;
    LiteralProto literal = null;
    boolean general = false;
    boolean controlPredecessors = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | LEN -> name = in.readStringRequireUtf8();
        case 2 << 3 | LEN -> {
          String text = in.readStringRequireUtf8();
          op = Opcode.forText(text).orElseThrow(NotFast::new);
        }
        case 3 << 3 | LEN -> {
          if (shape != null) {
            throw new NotFast(); // given twice: protobuf merges the two
          }
          shape = shape();
        }
        case 7 << 3 | LEN -> {
          if (metadata != null) {
            throw new NotFast();
          }
          metadata = metadata();
        }
        case 8 << 3 | LEN -> {
          if (literal != null) {
            throw new NotFast();
          }
          literal = LiteralProto.parseFrom(in.readBytes()); // (only a constant's literal: protobuf-java parses it alone)
        }
        case 9 << 3 | VARINT -> parameterNumber = in.readInt64();
        case 11 << 3 | LEN -> fusionKind = in.readStringRequireUtf8();
        case 13 << 3 | VARINT -> tupleIndex = in.readInt64();
        case 14 << 3 | VARINT, 14 << 3 | LEN -> dimensions = longs(tag, dimensions);
        case 17 << 3 | LEN -> {
          if (slice == null) {
            slice = new ArrayList<>();
          }
          slice.add(sliceDimension());
        }
        case 20 << 3 | VARINT, 20 << 3 | LEN -> dynamicSliceSizes = longs(tag, dynamicSliceSizes);
        case 28 << 3 | LEN -> customCall = in.readStringRequireUtf8();
        case 35 << 3 | VARINT -> id = in.readInt64();
        case 36 << 3 | VARINT, 36 << 3 | LEN -> operands = longs(tag, operands);
        case 37 << 3 | VARINT, 37 << 3 | LEN -> {
          controlPredecessors = true;
          in.skipField(tag);
        }
        case 38 << 3 | VARINT, 38 << 3 | LEN -> called = longs(tag, called);
        case 43 << 3 | LEN -> backendConfig = in.readBytes().toStringUtf8();
        case 50 << 3 | VARINT -> featureGroups = in.readInt64();
        case 58 << 3 | VARINT -> batchGroups = in.readInt64();
        case 63 << 3 | LEN -> direction = in.readStringRequireUtf8();
        case 72 << 3 | LEN -> comparisonType = in.readStringRequireUtf8();
        default -> {
          general = true;
          skip(tag);
        }
      }
    }
    end(outer);
    if (controlPredecessors) {
      return null;
    }
    if (general || op == null || GENERAL_OPCODES.contains(op) || (literal != null && op != Opcode.CONSTANT)) {
      generalReads++;
      HloInstructionProto p = HloInstructionProto.parseFrom(CodedInputStream.newInstance(bytes, start, length));
      return reader.instruction(p, Map::of, () -> "instruction");
    }
    if (shape == null) {
      throw new NotFast();
    }
    Instruction.Builder b = Instruction.builder(id, name.isEmpty() ? op.text() + "." + id : name, op, shape);
    if (op == Opcode.CONSTANT) {
      b.attribute(ProtoAttributes.LITERAL, literal == null ? LiteralText.ELIDED : LiteralText.toText(literal, shape));
    }
    b.operands(operands);
    b.calledComputations(called);
    if (op == Opcode.PARAMETER) {
      b.parameterNumber(parameterNumber);
    }
    if (op == Opcode.GET_TUPLE_ELEMENT) {
      b.tupleIndex(tupleIndex);
    }
    if (dimensions.length > 0) {
      b.dimensions(dimensions);
    }
    b.featureGroupCount(orOne(featureGroups));
    b.batchGroupCount(orOne(batchGroups));
    if (slice != null) {
      b.slice(slice);
    }
    if (dynamicSliceSizes.length > 0) {
      b.dynamicSliceSizes(dynamicSliceSizes);
    }
    if (!fusionKind.isEmpty()) {
      b.fusionKind(FusionKind.forText(fusionKind).orElseThrow(NotFast::new));
    }
    if (!direction.isEmpty()) {
      b.comparisonDirection(ComparisonDirection.forText(direction).orElseThrow(NotFast::new));
    }
    if (!customCall.isEmpty()) {
      b.customCallTarget(customCall);
    }
    if (!backendConfig.isEmpty()) {
      b.backendConfig(backendConfig);
    }
    if (!comparisonType.isEmpty()) {
      b.attribute("type", comparisonType);
    }
    if (metadata != null && !metadata.isEmpty()) {
      b.attribute(ProtoAttributes.METADATA, metadata);
    }
    return b.build();
  }

  /** A shape, decoded here unless it has fields beyond element type, dimensions, tuple and minor-to-major. */
  private Shape shape() throws IOException, NotFast {
    int length = in.readRawVarint32();
    int start = in.getTotalBytesRead();
    int outer = in.pushLimit(length);
    int type = 0;
    long[] dims = NONE;
    List<Shape> elements = null;
    int[] minorToMajor = null;
    boolean general = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 2 << 3 | VARINT -> type = in.readEnum();
        case 3 << 3 | VARINT, 3 << 3 | LEN -> dims = longs(tag, dims);
        case 4 << 3 | LEN -> {
          if (elements == null) {
            elements = new ArrayList<>();
          }
          if (++depth > MAX_TUPLE_DEPTH) {
            throw new NotFast(); // protobuf-java refuses such nesting; let it name the error
          }
          elements.add(shape());
          depth--;
        }
        case 5 << 3 | LEN -> {
          if (minorToMajor != null) {
            throw new NotFast();
          }
          minorToMajor = minorToMajor();
          if (minorToMajor == null) {
            general = true; // a layout with tiles, memory space, ...: read the whole shape the general way
            minorToMajor = NO_LAYOUT;
          }
        }
        default -> {
          general = true;
          skip(tag);
        }
      }
    }
    end(outer);
    if (general) {
      generalReads++;
      ShapeProto p = ShapeProto.parseFrom(CodedInputStream.newInstance(bytes, start, length));
      return reader.shape(p, () -> "shape");
    }
    ElementType t = ElementType.forNumber(type).orElseThrow(NotFast::new);
    if (t == ElementType.TUPLE) {
      return Shape.tuple(elements == null ? List.of() : elements);
    }
    if (t == ElementType.INVALID) {
      throw new NotFast();
    }
    Layout layout = null;
    if (minorToMajor != null && t.isArray() && (minorToMajor.length > 0 || dims.length == 0)) {
      for (int d : minorToMajor) {
        if (d < 0 || d >= minorToMajor.length) {
          throw new NotFast();
        }
      }
      layout = Layout.builder(minorToMajor).build();
    }
    return Shape.array(t, dims, null, layout);
  }

  /** A layout's minor-to-major order, or null if the layout has any other field. */
  private int[] minorToMajor() throws IOException, NotFast {
    int length = in.readRawVarint32();
    int outer = in.pushLimit(length);
    long[] m2m = NONE;
    boolean other = false;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | VARINT, 1 << 3 | LEN -> m2m = longs(tag, m2m);
        default -> {
          other = true;
          skip(tag);
        }
      }
    }
    end(outer);
    if (other) {
      return null;
    }
    int[] out = new int[m2m.length];
    for (int k = 0; k < out.length; k++) {
      if (m2m[k] < 0 || m2m[k] >= out.length) {
        throw new NotFast();
      }
      out[k] = (int) m2m[k];
    }
    return out;
  }

  private SliceDimension sliceDimension() throws IOException, NotFast {
    int outer = in.pushLimit(in.readRawVarint32());
    long start = 0;
    long limit = 0;
    long stride = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | VARINT -> start = in.readInt64();
        case 2 << 3 | VARINT -> limit = in.readInt64();
        case 3 << 3 | VARINT -> stride = in.readInt64();
        default -> skip(tag);
      }
    }
    end(outer);
    return new SliceDimension(start, limit, orOne(stride));
  }

  /**
   * {@code OpMetadata} as the text attribute the general path writes ({@link MetadataText}): the positions of
   * its three strings and its line, the usual plain-ASCII strings copied byte for byte into the text.
   */
  private String metadata() throws IOException, NotFast {
    int outer = in.pushLimit(in.readRawVarint32());
    int[] at = new int[3];
    int[] length = new int[3];
    int sourceLine = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case 1 << 3 | LEN, 2 << 3 | LEN, 3 << 3 | LEN -> {
          int f = WireFormat.getTagFieldNumber(tag) - 1;
          length[f] = in.readRawVarint32();
          at[f] = in.getTotalBytesRead();
          in.skipRawBytes(length[f]); // refuses a length past the message
        }
        case 4 << 3 | VARINT -> sourceLine = in.readInt32();
        case 12 << 3 | LEN, 16 << 3 | LEN -> in.readStringRequireUtf8(); // unread names, their UTF-8 checked
        default -> skip(tag);
      }
    }
    end(outer);
    if (!MetadataText.isPlain(bytes, at, length)) {
      return MetadataText.of(utf8(at[0], length[0]), utf8(at[1], length[1]), utf8(at[2], length[2]), sourceLine);
    }
    return MetadataText.ofPlainBytes(bytes, at, length, sourceLine);
  }

  /** A proto3 string field's bytes as text; not UTF-8 is refused as protobuf refuses it. */
  private String utf8(int at, int length) throws NotFast {
    if (!UnsafeByteOperations.unsafeWrap(bytes, at, length).isValidUtf8()) {
      throw new NotFast();
    }
    return new String(bytes, at, length, StandardCharsets.UTF_8);
  }

  /** A repeated int64 field's values (packed or one unpacked value) appended to {@code prior}. */
  private long[] longs(int tag, long[] prior) throws IOException, NotFast {
    int n = 0;
    if (WireFormat.getTagWireType(tag) == VARINT) {
      scratch[n++] = in.readInt64();
    } else {
      int outer = in.pushLimit(in.readRawVarint32());
      while (in.getBytesUntilLimit() > 0) {
        if (n == scratch.length) {
          scratch = java.util.Arrays.copyOf(scratch, 2 * n);
        }
        scratch[n++] = in.readInt64();
      }
      end(outer);
    }
    long[] out = java.util.Arrays.copyOf(prior, prior.length + n);
    System.arraycopy(scratch, 0, out, prior.length, n);
    return out;
  }

  private static long orOne(long v) {
    return v == 0 ? 1 : v;
  }
}
