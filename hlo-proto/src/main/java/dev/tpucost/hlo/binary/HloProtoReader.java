package dev.tpucost.hlo.binary;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tpucost.api.hlo.ComparisonDirection;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.FusionKind;
import dev.tpucost.api.hlo.GatherDimensionNumbers;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.PaddingDimension;
import dev.tpucost.api.hlo.ScatterDimensionNumbers;
import dev.tpucost.api.hlo.SliceDimension;
import dev.tpucost.api.hlo.Window;
import dev.tpucost.api.hlo.WindowDimension;
import dev.tpucost.api.shape.ElementType;
import dev.tpucost.api.shape.Layout;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.shape.Tile;
import dev.tpucost.hlo.HloParseException;
import dev.tpucost.hlo.wire.HloComputationProto;
import dev.tpucost.hlo.wire.HloInstructionProto;
import dev.tpucost.hlo.wire.HloModuleProto;
import dev.tpucost.hlo.wire.HloProto;
import dev.tpucost.hlo.wire.HloSnapshot;
import dev.tpucost.hlo.wire.LayoutProto;
import dev.tpucost.hlo.wire.OpMetadata;
import dev.tpucost.hlo.wire.ShapeProto;
import dev.tpucost.hlo.wire.SplitConfigProto;
import dev.tpucost.hlo.wire.TileProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads binary HLO into the IR. The bytes may hold an {@code HloModuleProto}, an {@code HloProto}
 * (module in field 1) or an {@code HloSnapshot} (module in field 1.1); the reader tries each and keeps
 * the reading whose instructions carry known opcodes. Packed and unpacked repeated fields are accepted;
 * unknown and reserved fields are skipped; operands, called computations, roots and the entry are
 * resolved by id (by name, or the last computation/instruction, when an old file leaves an id out).
 *
 * <p>Errors are {@link HloParseException}s naming the source and the field path, e.g.
 * {@code computations[2] 'fused.3' > instructions[5] 'add.7' > opcode}.
 */
public final class HloProtoReader {
  /** Which message the bytes held. */
  public enum Container {
    /** A bare {@code HloModuleProto}. */
    HLO_MODULE_PROTO,
    /** An {@code HloProto} wrapping the module (and a buffer assignment). */
    HLO_PROTO,
    /** An {@code HloSnapshot} wrapping an {@code HloProto} (and arguments/results). */
    HLO_SNAPSHOT
  }

  /** A module with the container it came in. */
  public record Result(HloModule module, Container container) {}

  private final String source;

  HloProtoReader(String source) {
    this.source = source;
  }

  /**
   * Reads {@code bytes}, naming {@code source} in errors.
   *
   * @throws HloParseException if the bytes are not one of the three messages or the module is malformed
   */
  public static Result read(byte[] bytes, String source) {
    // The common case first: a bare module whose conversion succeeds has only known opcodes (an unknown one
    // fails it), so it is the reading the scoring below would choose, without scoring every opcode twice.
    // It is decoded straight from the bytes; anything that decoder does not take goes the general way.
    try {
      return new Result(WireDecoder.decode(bytes, new HloProtoReader(source)), Container.HLO_MODULE_PROTO);
    } catch (WireDecoder.NotFast e) {
      // not a bare module, a malformed one, or one the fast decoder leaves to the general path
    }
    return readGeneral(bytes, source);
  }

  /** {@link #read} without the fast decoder: protobuf-java's messages, then conversion. */
  static Result readGeneral(byte[] bytes, String source) {
    try {
      HloModuleProto m = HloModuleProto.parseFrom(bytes);
      if (m.getComputationsCount() > 0) {
        return new Result(new HloProtoReader(source).module(m), Container.HLO_MODULE_PROTO);
      }
    } catch (InvalidProtocolBufferException | HloParseException e) {
      // not a bare module, or a malformed one: score every reading below, which names the error
    }
    HloModuleProto best = null;
    Container bestContainer = null;
    double bestScore = -1;
    String firstError = null;
    for (Container c : Container.values()) {
      HloModuleProto m;
      try {
        m = switch (c) {
          case HLO_MODULE_PROTO -> HloModuleProto.parseFrom(bytes);
          case HLO_PROTO -> HloProto.parseFrom(bytes).getHloModule();
          case HLO_SNAPSHOT -> HloSnapshot.parseFrom(bytes).getHlo().getHloModule();
        };
      } catch (InvalidProtocolBufferException e) {
        if (firstError == null) {
          firstError = e.getMessage();
        }
        continue;
      }
      double score = plausibility(m);
      if (score > bestScore) {
        best = m;
        bestContainer = c;
        bestScore = score;
      }
      if (score == 1.0) {
        break; // every opcode is known: this is the reading
      }
    }
    if (best == null || bestScore <= 0) {
      throw new HloParseException(source, 0, 0,
          "not an HloModuleProto, HloProto or HloSnapshot"
              + (firstError != null ? " (" + firstError + ")" : " (no computation with instructions found)"));
    }
    return new Result(new HloProtoReader(source).module(best), bestContainer);
  }

  /** Converts an already parsed {@code HloModuleProto}. */
  public static HloModule fromProto(HloModuleProto proto, String source) {
    return new HloProtoReader(source).module(proto);
  }

  /** Share of instructions with a known opcode; 0 without instructions. */
  private static double plausibility(HloModuleProto m) {
    int total = 0;
    int known = 0;
    for (HloComputationProto c : m.getComputationsList()) {
      for (HloInstructionProto i : c.getInstructionsList()) {
        total++;
        if (Opcode.forText(i.getOpcode()).isPresent()) {
          known++;
        }
      }
    }
    return total == 0 ? 0 : known == total ? 1.0 : (known + 1.0) / (total + 2.0);
  }

  HloParseException error(String path, String message) {
    return new HloParseException(source, 0, 0, path + ": " + message);
  }

  /**
   * A computation as read, before ids are settled: its proto id and root id, and its instructions in
   * order.
   */
  record Parts(String name, long id, long rootId, boolean fusion, List<Instruction> instructions) {}

  private HloModule module(HloModuleProto m) {
    List<HloComputationProto> cps = m.getComputationsList();
    List<Parts> parts = new ArrayList<>(cps.size());
    for (int k = 0; k < cps.size(); k++) {
      HloComputationProto c = cps.get(k);
      parts.add(new Parts(c.getName(), c.getId(), c.getRootId(), c.getIsFusionComputation(),
          instructions(c, "computations[" + k + "] '" + c.getName() + "'")));
    }
    return assemble(m.getName(), m.getId(), m.getEntryComputationId(), m.getEntryComputationName(), parts);
  }

  /**
   * Builds the module from its computations: settles computation ids (numbered from 1 when an old file
   * leaves them out), each computation's root and the entry computation.
   */
  HloModule assemble(String name, long moduleId, long entryId, String entryName, List<Parts> cps) {
    boolean idsMissing = cps.size() > 1 && cps.stream().map(Parts::id).distinct().count() < cps.size();
    Map<String, Long> idByName = new HashMap<>();
    long[] ids = new long[cps.size()];
    for (int k = 0; k < cps.size(); k++) {
      ids[k] = idsMissing ? k + 1 : cps.get(k).id();
      idByName.putIfAbsent(cps.get(k).name(), ids[k]);
    }
    List<Computation> computations = new ArrayList<>(cps.size());
    for (int k = 0; k < cps.size(); k++) {
      int index = k;
      // (the path is built only for an error: formatting it for each of a module's computations cost ~4% of loading)
      computations.add(computation(cps.get(k), ids[k], () -> "computations[" + index + "] '" + cps.get(index).name() + "'"));
    }
    Set<Long> present = new HashSet<>();
    for (long id : ids) {
      present.add(id);
    }
    long entry;
    if (!idsMissing && present.contains(entryId) && (entryId != 0 || entryName.isEmpty())) {
      entry = entryId;
    } else if (idByName.containsKey(entryName)) {
      entry = idByName.get(entryName);
    } else if (!cps.isEmpty()) {
      entry = ids[ids.length - 1];
    } else {
      throw error("computations", "the module has no computations");
    }
    try {
      return HloModule.of(name, moduleId, computations, entry);
    } catch (IllegalArgumentException e) {
      throw error("module '" + name + "'", e.getMessage());
    }
  }

  /** The instructions of {@code c}, converted in order. */
  List<Instruction> instructions(HloComputationProto c, String path) {
    if (c.getInstructionsCount() == 0) {
      throw error(path, "computation has no instructions");
    }
    // Names by id, only for control predecessors (rare): built on first use, not per computation.
    Supplier<Map<Long, String>> names = com.google.common.base.Suppliers.memoize(() -> {
      Map<Long, String> byId = new HashMap<>();
      for (HloInstructionProto ip : c.getInstructionsList()) {
        byId.putIfAbsent(ip.getId(), ip.getName());
      }
      return byId;
    });
    List<Instruction> instrs = new ArrayList<>(c.getInstructionsCount());
    for (int k = 0; k < c.getInstructionsCount(); k++) {
      HloInstructionProto ip = c.getInstructions(k);
      int index = k;
      instrs.add(instruction(ip, names, () -> path + " > instructions[" + index + "] '" + ip.getName() + "'"));
    }
    return instrs;
  }

  private Computation computation(Parts c, long id, Supplier<String> path) {
    List<Instruction> instrs = c.instructions();
    if (instrs.isEmpty()) {
      throw error(path.get(), "computation has no instructions");
    }
    long root = c.rootId();
    boolean rootFound = false;
    for (int k = 0; k < instrs.size() && !rootFound; k++) {
      rootFound = instrs.get(k).id() == root;
    }
    if (!rootFound) {
      if (root != 0) {
        throw error(path.get() + " > root_id", "root id " + root + " is not an instruction of the computation");
      }
      root = instrs.get(instrs.size() - 1).id();
    }
    try {
      return c.fusion()
          ? Computation.fused(id, c.name(), instrs, root)
          : Computation.of(id, c.name(), instrs, root);
    } catch (IllegalArgumentException e) {
      throw error(path.get(), e.getMessage());
    }
  }

  Instruction instruction(HloInstructionProto p, Supplier<Map<Long, String>> names, Supplier<String> path) {
    Opcode op = Opcode.forText(p.getOpcode())
        .orElseThrow(() -> error(path.get() + " > opcode", "unknown opcode '" + p.getOpcode() + "'"));
    Shape shape = shape(p.getShape(), () -> path.get() + " > shape");
    try {
      String name = p.getName().isEmpty() ? op.text() + "." + p.getId() : p.getName();
      Instruction.Builder b = Instruction.builder(p.getId(), name, op, shape);
      b.operands(longs(p.getOperandIdsList()));
      b.calledComputations(longs(p.getCalledComputationIdsList()));
      if (op == Opcode.PARAMETER) {
        b.parameterNumber(p.getParameterNumber());
      }
      if (op == Opcode.GET_TUPLE_ELEMENT) {
        b.tupleIndex(p.getTupleIndex());
      }
      if (p.getDimensionsCount() > 0) {
        b.dimensions(longs(p.getDimensionsList()));
      }
      if (p.hasWindow()) {
        List<WindowDimension> dims = new ArrayList<>();
        for (dev.tpucost.hlo.wire.WindowDimension w : p.getWindow().getDimensionsList()) {
          dims.add(new WindowDimension(w.getSize(), orOne(w.getStride()), w.getPaddingLow(), w.getPaddingHigh(),
              orOne(w.getWindowDilation()), orOne(w.getBaseDilation()), w.getWindowReversal()));
        }
        b.window(new Window(dims));
      }
      if (p.hasConvolutionDimensionNumbers()) {
        var c = p.getConvolutionDimensionNumbers();
        b.convolutionDimensions(new ConvolutionDimensionNumbers(
            c.getInputBatchDimension(), c.getInputFeatureDimension(), c.getInputSpatialDimensionsList(),
            c.getKernelInputFeatureDimension(), c.getKernelOutputFeatureDimension(), c.getKernelSpatialDimensionsList(),
            c.getOutputBatchDimension(), c.getOutputFeatureDimension(), c.getOutputSpatialDimensionsList()));
      }
      b.featureGroupCount(orOne(p.getFeatureGroupCount()));
      b.batchGroupCount(orOne(p.getBatchGroupCount()));
      if (p.hasDotDimensionNumbers()) {
        var d = p.getDotDimensionNumbers();
        b.dotDimensions(new DotDimensionNumbers(d.getLhsContractingDimensionsList(), d.getRhsContractingDimensionsList(),
            d.getLhsBatchDimensionsList(), d.getRhsBatchDimensionsList()));
      }
      if (p.hasGatherDimensionNumbers()) {
        var g = p.getGatherDimensionNumbers();
        b.gatherDimensions(new GatherDimensionNumbers(g.getOffsetDimsList(), g.getCollapsedSliceDimsList(),
            g.getStartIndexMapList(), g.getIndexVectorDim(), g.getOperandBatchingDimsList(), g.getStartIndicesBatchingDimsList()));
      }
      if (p.getGatherSliceSizesCount() > 0) {
        b.gatherSliceSizes(longs(p.getGatherSliceSizesList()));
      }
      if (p.hasScatterDimensionNumbers()) {
        var s = p.getScatterDimensionNumbers();
        b.scatterDimensions(new ScatterDimensionNumbers(s.getUpdateWindowDimsList(), s.getInsertedWindowDimsList(),
            s.getScatterDimsToOperandDimsList(), s.getIndexVectorDim(), s.getInputBatchingDimsList(),
            s.getScatterIndicesBatchingDimsList()));
      }
      if (p.getSliceDimensionsCount() > 0) {
        List<SliceDimension> slice = new ArrayList<>();
        for (var s : p.getSliceDimensionsList()) {
          slice.add(new SliceDimension(s.getStart(), s.getLimit(), orOne(s.getStride())));
        }
        b.slice(slice);
      }
      if (p.getDynamicSliceSizesCount() > 0) {
        b.dynamicSliceSizes(longs(p.getDynamicSliceSizesList()));
      }
      if (p.hasPaddingConfig()) {
        List<PaddingDimension> pad = new ArrayList<>();
        for (var d : p.getPaddingConfig().getDimensionsList()) {
          pad.add(new PaddingDimension(d.getEdgePaddingLow(), d.getEdgePaddingHigh(), d.getInteriorPadding()));
        }
        b.padding(pad);
      }
      if (!p.getFusionKind().isEmpty()) {
        b.fusionKind(FusionKind.forText(p.getFusionKind())
            .orElseThrow(() -> error(path.get() + " > fusion_kind", "unknown fusion kind '" + p.getFusionKind() + "'")));
      }
      if (!p.getComparisonDirection().isEmpty()) {
        b.comparisonDirection(ComparisonDirection.forText(p.getComparisonDirection())
            .orElseThrow(() -> error(path.get() + " > comparison_direction", "unknown direction '" + p.getComparisonDirection() + "'")));
      }
      if (!p.getCustomCallTarget().isEmpty()) {
        b.customCallTarget(p.getCustomCallTarget());
      }
      if (!p.getBackendConfig().isEmpty()) {
        b.backendConfig(p.getBackendConfig().toStringUtf8());
      }
      attributes(p, op, shape, names, b);
      return b.build();
    } catch (HloParseException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw error(path.get(), e.getMessage());
    }
  }

  /** Fields without a typed home, kept as text under their HLO text attribute names (see {@link ProtoAttributes}). */
  private static void attributes(
      HloInstructionProto p, Opcode op, Shape shape, Supplier<Map<Long, String>> names, Instruction.Builder b) {
    if (op == Opcode.CONSTANT) {
      b.attribute(ProtoAttributes.LITERAL, p.hasLiteral() ? LiteralText.toText(p.getLiteral(), shape) : LiteralText.ELIDED);
    }
    if (p.getControlPredecessorIdsCount() > 0) {
      StringBuilder sb = new StringBuilder("{");
      for (long id : p.getControlPredecessorIdsList()) {
        if (sb.length() > 1) {
          sb.append(", ");
        }
        sb.append('%').append(names.get().getOrDefault(id, "id." + id));
      }
      b.attribute(ProtoAttributes.CONTROL_PREDECESSORS, sb.append('}').toString());
    }
    ProtoAttributes.read(p, op, b);
    if (p.hasMetadata()) {
      String md = metadata(p.getMetadata());
      if (!md.isEmpty()) {
        b.attribute(ProtoAttributes.METADATA, md);
      }
    }
  }

  private static String metadata(OpMetadata m) {
    return MetadataText.of(m.getOpType(), m.getOpName(), m.getSourceFile(), m.getSourceLine());
  }

  Shape shape(ShapeProto p, Supplier<String> path) {
    ElementType t = ElementType.forNumber(p.getElementTypeValue())
        .orElseThrow(() -> error(path.get() + " > element_type", "unknown element type " + p.getElementTypeValue()));
    try {
      if (t == ElementType.TUPLE) {
        List<Shape> elements = new ArrayList<>(p.getTupleShapesCount());
        for (int k = 0; k < p.getTupleShapesCount(); k++) {
          int index = k;
          elements.add(shape(p.getTupleShapes(k), () -> path.get() + " > tuple_shapes[" + index + "]"));
        }
        return Shape.tuple(elements);
      }
      if (t == ElementType.INVALID) {
        throw error(path.get() + " > element_type", "element type is INVALID (0)");
      }
      long[] dims = longs(p.getDimensionsList());
      boolean[] dynamic = null;
      if (p.getIsDynamicDimensionCount() > 0) {
        if (p.getIsDynamicDimensionCount() != dims.length) {
          throw error(path.get() + " > is_dynamic_dimension", p.getIsDynamicDimensionCount() + " flags for " + dims.length + " dimensions");
        }
        dynamic = new boolean[dims.length];
        for (int k = 0; k < dims.length; k++) {
          dynamic[k] = p.getIsDynamicDimension(k);
        }
      }
      Layout layout = null;
      if (p.hasLayout() && t.isArray() && (p.getLayout().getMinorToMajorCount() > 0 || dims.length == 0)) {
        layout = layout(p.getLayout(), () -> path.get() + " > layout");
      }
      return Shape.array(t, dims, dynamic, layout);
    } catch (HloParseException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw error(path.get(), e.getMessage());
    }
  }

  private Layout layout(LayoutProto l, Supplier<String> path) {
    int[] m2m = new int[l.getMinorToMajorCount()];
    for (int k = 0; k < m2m.length; k++) {
      long v = l.getMinorToMajor(k);
      if (v < 0 || v >= m2m.length) {
        throw error(path.get() + " > minor_to_major", "entry " + v + " is not a dimension of a rank-" + m2m.length + " shape");
      }
      m2m[k] = (int) v;
    }
    Layout.Builder b = Layout.builder(m2m);
    for (TileProto t : l.getTilesList()) {
      b.addTile(Tile.of(longs(t.getDimensionsList())));
    }
    for (int level : l.getDimLevelTypesList()) {
      b.addDimLevelType(ProtoAttributes.dimLevelType(level));
    }
    if (l.getTailPaddingAlignmentInElements() > 1) {
      b.tailPaddingAlignment(l.getTailPaddingAlignmentInElements());
    }
    if (l.getIndexPrimitiveTypeValue() != 0) {
      b.indexType(elementType(l.getIndexPrimitiveTypeValue(), () -> path.get() + " > index_primitive_type"));
    }
    if (l.getPointerPrimitiveTypeValue() != 0) {
      b.pointerType(elementType(l.getPointerPrimitiveTypeValue(), () -> path.get() + " > pointer_primitive_type"));
    }
    b.elementSizeInBits(l.getElementSizeInBits());
    b.memorySpace(l.getMemorySpace());
    for (SplitConfigProto s : l.getSplitConfigsList()) {
      b.addSplitConfig(new Layout.SplitConfig(s.getDimension(), s.getSplitIndicesList()));
    }
    if (l.hasPhysicalShape()) {
      b.physicalShape(shape(l.getPhysicalShape(), () -> path.get() + " > physical_shape"));
    }
    b.dynamicShapeMetadataPrefixBytes(l.getDynamicShapeMetadataPrefixBytes());
    return b.build();
  }

  private ElementType elementType(int number, Supplier<String> path) {
    return ElementType.forNumber(number).orElseThrow(() -> error(path.get(), "unknown element type " + number));
  }

  private static long[] longs(List<Long> values) {
    long[] out = new long[values.size()];
    if (values instanceof com.google.protobuf.Internal.LongList primitive) {
      for (int i = 0; i < out.length; i++) {
        out[i] = primitive.getLong(i);
      }
    } else {
      for (int i = 0; i < out.length; i++) {
        out[i] = values.get(i);
      }
    }
    return out;
  }

  private static long orOne(long v) {
    return v == 0 ? 1 : v;
  }
}
