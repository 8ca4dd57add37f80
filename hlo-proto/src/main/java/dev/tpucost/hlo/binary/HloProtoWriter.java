package dev.tpucost.hlo.binary;

import com.google.protobuf.ByteString;
import dev.tpucost.api.hlo.Computation;
import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.DotDimensionNumbers;
import dev.tpucost.api.hlo.GatherDimensionNumbers;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.hlo.PaddingDimension;
import dev.tpucost.api.hlo.ScatterDimensionNumbers;
import dev.tpucost.api.hlo.SliceDimension;
import dev.tpucost.api.hlo.WindowDimension;
import dev.tpucost.api.shape.Layout;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.api.shape.Tile;
import dev.tpucost.hlo.wire.HloComputationProto;
import dev.tpucost.hlo.wire.HloInstructionProto;
import dev.tpucost.hlo.wire.HloModuleProto;
import dev.tpucost.hlo.wire.LayoutProto;
import dev.tpucost.hlo.wire.PaddingConfig;
import dev.tpucost.hlo.wire.PrimitiveType;
import dev.tpucost.hlo.wire.ProgramShapeProto;
import dev.tpucost.hlo.wire.ShapeProto;
import dev.tpucost.hlo.wire.SplitConfigProto;
import dev.tpucost.hlo.wire.TileProto;
import dev.tpucost.hlo.wire.Window;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the IR as an {@code HloModuleProto} (XLA's field numbers), with program shapes filled in so that
 * XLA's own tools can load it. {@code HloProtoReader.read(write(m))} gives back {@code m} for modules
 * read from protobuf; text-only attributes (sharding, frontend attributes, ...) are not written.
 */
public final class HloProtoWriter {
  private HloProtoWriter() {}

  /** The module's {@code HloModuleProto} bytes. */
  public static byte[] write(HloModule module) {
    return toProto(module).toByteArray();
  }

  /** The module as an {@code HloModuleProto}. */
  public static HloModuleProto toProto(HloModule module) {
    HloModuleProto.Builder m = HloModuleProto.newBuilder()
        .setName(module.name())
        .setId(module.id())
        .setEntryComputationName(module.entry().name())
        .setEntryComputationId(module.entryId());
    for (Computation c : module.computations()) {
      HloComputationProto cp = computation(c);
      m.addComputations(cp);
      if (c.id() == module.entryId()) {
        m.setHostProgramShape(cp.getProgramShape());
      }
    }
    return m.build();
  }

  private static HloComputationProto computation(Computation c) {
    Map<String, Long> ids = new HashMap<>();
    for (Instruction i : c.instructions()) {
      ids.putIfAbsent(i.name(), i.id());
    }
    HloComputationProto.Builder b = HloComputationProto.newBuilder()
        .setName(c.name())
        .setId(c.id())
        .setRootId(c.rootId())
        .setIsFusionComputation(c.isFusionComputation());
    ProgramShapeProto.Builder ps = ProgramShapeProto.newBuilder();
    for (int p = 0; p < c.parameterCount(); p++) {
      ps.addParameters(shape(c.parameter(p).shape()));
      ps.addParameterNames(c.parameter(p).name());
    }
    ps.setResult(shape(c.root().shape()));
    b.setProgramShape(ps);
    for (Instruction i : c.instructions()) {
      b.addInstructions(instruction(i, ids));
    }
    return b.build();
  }

  private static HloInstructionProto instruction(Instruction i, Map<String, Long> ids) {
    ShapeProto shape = shape(i.shape());
    HloInstructionProto.Builder p = HloInstructionProto.newBuilder()
        .setId(i.id())
        .setName(i.name())
        .setOpcode(i.opcode().text())
        .setShape(shape);
    for (long id : i.operandIds()) {
      p.addOperandIds(id);
    }
    for (long id : i.calledComputationIds()) {
      p.addCalledComputationIds(id);
    }
    if (i.opcode() == Opcode.PARAMETER) {
      p.setParameterNumber(i.parameterNumber());
    }
    if (i.opcode() == Opcode.GET_TUPLE_ELEMENT) {
      p.setTupleIndex(i.tupleIndex());
    }
    for (long d : i.dimensions()) {
      p.addDimensions(d);
    }
    i.window().ifPresent(w -> {
      Window.Builder wb = Window.newBuilder();
      for (WindowDimension d : w.dimensions()) {
        wb.addDimensions(dev.tpucost.hlo.wire.WindowDimension.newBuilder()
            .setSize(d.size()).setStride(d.stride()).setPaddingLow(d.paddingLow()).setPaddingHigh(d.paddingHigh())
            .setWindowDilation(d.windowDilation()).setBaseDilation(d.baseDilation()).setWindowReversal(d.reversal()));
      }
      p.setWindow(wb);
    });
    i.convolutionDimensions().ifPresent(d -> p.setConvolutionDimensionNumbers(conv(d)));
    if (i.featureGroupCount() != 1) {
      p.setFeatureGroupCount(i.featureGroupCount());
    }
    if (i.batchGroupCount() != 1) {
      p.setBatchGroupCount(i.batchGroupCount());
    }
    i.dotDimensions().ifPresent(d -> p.setDotDimensionNumbers(dot(d)));
    i.gatherDimensions().ifPresent(d -> p.setGatherDimensionNumbers(gather(d)));
    for (long s : i.gatherSliceSizes()) {
      p.addGatherSliceSizes(s);
    }
    i.scatterDimensions().ifPresent(d -> p.setScatterDimensionNumbers(scatter(d)));
    for (SliceDimension s : i.slice()) {
      p.addSliceDimensions(HloInstructionProto.SliceDimensions.newBuilder()
          .setStart(s.start()).setLimit(s.limit()).setStride(s.stride()));
    }
    for (long s : i.dynamicSliceSizes()) {
      p.addDynamicSliceSizes(s);
    }
    if (!i.padding().isEmpty()) {
      PaddingConfig.Builder pc = PaddingConfig.newBuilder();
      for (PaddingDimension d : i.padding()) {
        pc.addDimensions(PaddingConfig.PaddingConfigDimension.newBuilder()
            .setEdgePaddingLow(d.low()).setEdgePaddingHigh(d.high()).setInteriorPadding(d.interior()));
      }
      p.setPaddingConfig(pc);
    }
    i.fusionKind().ifPresent(k -> p.setFusionKind(k.text()));
    i.comparisonDirection().ifPresent(d -> p.setComparisonDirection(d.name()));
    i.customCallTarget().ifPresent(p::setCustomCallTarget);
    i.backendConfig().ifPresent(c -> p.setBackendConfig(ByteString.copyFromUtf8(c)));
    if (i.opcode() == Opcode.CONSTANT) {
      p.setLiteral(LiteralText.fromText(i.attributes().get(ProtoAttributes.LITERAL), i.shape(), shape));
    }
    ProtoAttributes.write(i.attributes(), p, ids);
    return p.build();
  }

  /** The {@code ShapeProto} of a shape. */
  public static ShapeProto shape(Shape s) {
    ShapeProto.Builder b = ShapeProto.newBuilder().setElementTypeValue(s.elementType().number());
    if (s.isTuple()) {
      for (Shape e : s.tupleShapes()) {
        b.addTupleShapes(shape(e));
      }
      return b.build();
    }
    for (int d = 0; d < s.rank(); d++) {
      b.addDimensions(s.dim(d));
    }
    if (s.hasDynamicDimensions()) {
      for (int d = 0; d < s.rank(); d++) {
        b.addIsDynamicDimension(s.isDynamic(d));
      }
    }
    s.layout().ifPresent(l -> b.setLayout(layout(l)));
    return b.build();
  }

  private static LayoutProto layout(Layout l) {
    LayoutProto.Builder b = LayoutProto.newBuilder();
    for (int d : l.minorToMajor()) {
      b.addMinorToMajor(d);
    }
    for (Tile t : l.tiles()) {
      TileProto.Builder tb = TileProto.newBuilder();
      for (long d : t.dims()) {
        tb.addDimensions(d);
      }
      b.addTiles(tb);
    }
    for (String level : l.dimLevelTypes()) {
      b.addDimLevelTypes(ProtoAttributes.dimLevelTypeNumber(level));
    }
    if (l.tailPaddingAlignment() != 1) {
      b.setTailPaddingAlignmentInElements(l.tailPaddingAlignment());
    }
    l.indexType().ifPresent(t -> b.setIndexPrimitiveType(PrimitiveType.forNumber(t.number())));
    l.pointerType().ifPresent(t -> b.setPointerPrimitiveType(PrimitiveType.forNumber(t.number())));
    b.setElementSizeInBits(l.elementSizeInBits());
    b.setMemorySpace(l.memorySpace());
    for (Layout.SplitConfig sc : l.splitConfigs()) {
      b.addSplitConfigs(SplitConfigProto.newBuilder().setDimension(sc.dimension()).addAllSplitIndices(sc.splitIndices()));
    }
    l.physicalShape().ifPresent(ps -> b.setPhysicalShape(shape(ps)));
    b.setDynamicShapeMetadataPrefixBytes(l.dynamicShapeMetadataPrefixBytes());
    return b.build();
  }

  private static dev.tpucost.hlo.wire.ConvolutionDimensionNumbers conv(ConvolutionDimensionNumbers d) {
    return dev.tpucost.hlo.wire.ConvolutionDimensionNumbers.newBuilder()
        .setInputBatchDimension(d.inputBatch()).setInputFeatureDimension(d.inputFeature())
        .addAllInputSpatialDimensions(d.inputSpatial())
        .setKernelInputFeatureDimension(d.kernelInputFeature()).setKernelOutputFeatureDimension(d.kernelOutputFeature())
        .addAllKernelSpatialDimensions(d.kernelSpatial())
        .setOutputBatchDimension(d.outputBatch()).setOutputFeatureDimension(d.outputFeature())
        .addAllOutputSpatialDimensions(d.outputSpatial())
        .build();
  }

  private static dev.tpucost.hlo.wire.DotDimensionNumbers dot(DotDimensionNumbers d) {
    return dev.tpucost.hlo.wire.DotDimensionNumbers.newBuilder()
        .addAllLhsContractingDimensions(d.lhsContracting()).addAllRhsContractingDimensions(d.rhsContracting())
        .addAllLhsBatchDimensions(d.lhsBatch()).addAllRhsBatchDimensions(d.rhsBatch())
        .build();
  }

  private static dev.tpucost.hlo.wire.GatherDimensionNumbers gather(GatherDimensionNumbers d) {
    return dev.tpucost.hlo.wire.GatherDimensionNumbers.newBuilder()
        .addAllOffsetDims(d.offsetDims()).addAllCollapsedSliceDims(d.collapsedSliceDims())
        .addAllStartIndexMap(d.startIndexMap()).setIndexVectorDim(d.indexVectorDim())
        .addAllOperandBatchingDims(d.operandBatchingDims()).addAllStartIndicesBatchingDims(d.startIndicesBatchingDims())
        .build();
  }

  private static dev.tpucost.hlo.wire.ScatterDimensionNumbers scatter(ScatterDimensionNumbers d) {
    return dev.tpucost.hlo.wire.ScatterDimensionNumbers.newBuilder()
        .addAllUpdateWindowDims(d.updateWindowDims()).addAllInsertedWindowDims(d.insertedWindowDims())
        .addAllScatterDimsToOperandDims(d.scatterDimsToOperandDims()).setIndexVectorDim(d.indexVectorDim())
        .addAllInputBatchingDims(d.inputBatchingDims()).addAllScatterIndicesBatchingDims(d.scatterIndicesBatchingDims())
        .build();
  }
}
