package dev.tpucost.api.hlo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.tpucost.api.shape.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HLO instruction: id, name, opcode, result shape, operands (by id, in order), called computations
 * (by id, in XLA's order: a while's body then condition, a conditional's branches in order (true then
 * false), a select-and-scatter's select then scatter, otherwise the one called computation) and its op
 * attributes. Attributes without a typed field (or that no reader understood) are kept as text in
 * {@link #attributes()}.
 *
 * <p>Immutable; build with {@link #builder(long, String, Opcode, Shape)}. An instruction is only
 * meaningful inside its {@link Computation}, which checks that its operands exist.
 */
public final class Instruction {
  private static final long[] NONE = new long[0];

  private final long id;
  private final String name;
  private final Opcode opcode;
  private final Shape shape;
  private final long[] operandIds;
  private final long[] calledComputationIds;
  private final long parameterNumber;
  private final long tupleIndex;
  private final long[] dimensions;
  private final Window window;
  private final ConvolutionDimensionNumbers convolutionDimensions;
  private final long featureGroupCount;
  private final long batchGroupCount;
  private final DotDimensionNumbers dotDimensions;
  private final GatherDimensionNumbers gatherDimensions;
  private final long[] gatherSliceSizes;
  private final ScatterDimensionNumbers scatterDimensions;
  private final ImmutableList<SliceDimension> slice;
  private final long[] dynamicSliceSizes;
  private final ImmutableList<PaddingDimension> padding;
  private final FusionKind fusionKind;
  private final ComparisonDirection comparisonDirection;
  private final String customCallTarget;
  private final String backendConfig;
  private final ImmutableMap<String, String> attributes;

  private Instruction(Builder b) {
    this.id = b.id;
    this.name = b.name;
    this.opcode = b.opcode;
    this.shape = b.shape;
    this.operandIds = b.operandIds;
    this.calledComputationIds = b.calledComputationIds;
    this.parameterNumber = b.parameterNumber;
    this.tupleIndex = b.tupleIndex;
    this.dimensions = b.dimensions;
    this.window = b.window;
    this.convolutionDimensions = b.convolutionDimensions;
    this.featureGroupCount = b.featureGroupCount;
    this.batchGroupCount = b.batchGroupCount;
    this.dotDimensions = b.dotDimensions;
    this.gatherDimensions = b.gatherDimensions;
    this.gatherSliceSizes = b.gatherSliceSizes;
    this.scatterDimensions = b.scatterDimensions;
    this.slice = b.slice;
    this.dynamicSliceSizes = b.dynamicSliceSizes;
    this.padding = b.padding;
    this.fusionKind = b.fusionKind;
    this.comparisonDirection = b.comparisonDirection;
    this.customCallTarget = b.customCallTarget;
    this.backendConfig = b.backendConfig;
    this.attributes = ImmutableMap.copyOf(b.attributes);
  }

  /** A builder for an instruction with the given id, name, opcode and result shape. */
  public static Builder builder(long id, String name, Opcode opcode, Shape shape) {
    return new Builder(id, name, opcode, shape);
  }

  /** A builder holding a copy of this instruction (to derive a changed one). */
  public Builder toBuilder() {
    Builder b = new Builder(id, name, opcode, shape);
    b.operandIds = operandIds;
    b.calledComputationIds = calledComputationIds;
    b.parameterNumber = parameterNumber;
    b.tupleIndex = tupleIndex;
    b.dimensions = dimensions;
    b.window = window;
    b.convolutionDimensions = convolutionDimensions;
    b.featureGroupCount = featureGroupCount;
    b.batchGroupCount = batchGroupCount;
    b.dotDimensions = dotDimensions;
    b.gatherDimensions = gatherDimensions;
    b.gatherSliceSizes = gatherSliceSizes;
    b.scatterDimensions = scatterDimensions;
    b.slice = slice;
    b.dynamicSliceSizes = dynamicSliceSizes;
    b.padding = padding;
    b.fusionKind = fusionKind;
    b.comparisonDirection = comparisonDirection;
    b.customCallTarget = customCallTarget;
    b.backendConfig = backendConfig;
    b.attributes.putAll(attributes);
    return b;
  }

  /** This instruction with another id, operand ids and called computation ids (everything else kept). */
  public Instruction withIds(long newId, long[] newOperands, long[] newCalled) {
    Builder b = toBuilder();
    Builder c = new Builder(newId, name, opcode, shape);
    c.operandIds = newOperands.length == 0 ? NONE : newOperands.clone();
    c.calledComputationIds = newCalled.length == 0 ? NONE : newCalled.clone();
    c.parameterNumber = b.parameterNumber;
    c.tupleIndex = b.tupleIndex;
    c.dimensions = b.dimensions;
    c.window = b.window;
    c.convolutionDimensions = b.convolutionDimensions;
    c.featureGroupCount = b.featureGroupCount;
    c.batchGroupCount = b.batchGroupCount;
    c.dotDimensions = b.dotDimensions;
    c.gatherDimensions = b.gatherDimensions;
    c.gatherSliceSizes = b.gatherSliceSizes;
    c.scatterDimensions = b.scatterDimensions;
    c.slice = b.slice;
    c.dynamicSliceSizes = b.dynamicSliceSizes;
    c.padding = b.padding;
    c.fusionKind = b.fusionKind;
    c.comparisonDirection = b.comparisonDirection;
    c.customCallTarget = b.customCallTarget;
    c.backendConfig = b.backendConfig;
    c.attributes.putAll(b.attributes);
    return c.build();
  }

  /** Unique id within the computation (XLA's {@code id}). */
  public long id() {
    return id;
  }

  /** Name, without a leading {@code %}. */
  public String name() {
    return name;
  }

  /** The opcode. */
  public Opcode opcode() {
    return opcode;
  }

  /** The result shape. */
  public Shape shape() {
    return shape;
  }

  /** Number of operands. */
  public int operandCount() {
    return operandIds.length;
  }

  /** Id of operand {@code i}. */
  public long operandId(int i) {
    return operandIds[i];
  }

  /** A copy of the operand ids, in order. */
  public long[] operandIds() {
    return operandIds.clone();
  }

  /** A copy of the called computations' ids, in order. */
  public long[] calledComputationIds() {
    return calledComputationIds.clone();
  }

  /** Number of called computations. */
  public int calledComputationCount() {
    return calledComputationIds.length;
  }

  /** Id of called computation {@code i}. */
  public long calledComputationId(int i) {
    return calledComputationIds[i];
  }

  /** {@code parameter_number} of a parameter instruction; -1 for other opcodes. */
  public long parameterNumber() {
    return parameterNumber;
  }

  /** {@code index} of a get-tuple-element; -1 for other opcodes. */
  public long tupleIndex() {
    return tupleIndex;
  }

  /**
   * A copy of {@code dimensions}: broadcast/transpose/reduce/reverse/concatenate/sort dimensions, or the
   * iota dimension; empty when absent.
   */
  public long[] dimensions() {
    return dimensions.clone();
  }

  /** Number of entries in {@link #dimensions()}. */
  public int dimensionCount() {
    return dimensions.length;
  }

  /** Entry {@code i} of {@link #dimensions()}. */
  public long dimension(int i) {
    return dimensions[i];
  }

  /** The window of a convolution, reduce-window or select-and-scatter. */
  public Optional<Window> window() {
    return Optional.ofNullable(window);
  }

  /** Convolution dimension numbers. */
  public Optional<ConvolutionDimensionNumbers> convolutionDimensions() {
    return Optional.ofNullable(convolutionDimensions);
  }

  /** {@code feature_group_count} (1 unless set). */
  public long featureGroupCount() {
    return featureGroupCount;
  }

  /** {@code batch_group_count} (1 unless set). */
  public long batchGroupCount() {
    return batchGroupCount;
  }

  /** Dot dimension numbers. */
  public Optional<DotDimensionNumbers> dotDimensions() {
    return Optional.ofNullable(dotDimensions);
  }

  /** Gather dimension numbers. */
  public Optional<GatherDimensionNumbers> gatherDimensions() {
    return Optional.ofNullable(gatherDimensions);
  }

  /** A copy of the gather {@code slice_sizes}; empty when absent. */
  public long[] gatherSliceSizes() {
    return gatherSliceSizes.clone();
  }

  /** Scatter dimension numbers. */
  public Optional<ScatterDimensionNumbers> scatterDimensions() {
    return Optional.ofNullable(scatterDimensions);
  }

  /** Static slice bounds, one per dimension; empty when absent. */
  public List<SliceDimension> slice() {
    return slice;
  }

  /** A copy of {@code dynamic_slice_sizes}; empty when absent. */
  public long[] dynamicSliceSizes() {
    return dynamicSliceSizes.clone();
  }

  /** Pad configuration, one entry per dimension; empty when absent. */
  public List<PaddingDimension> padding() {
    return padding;
  }

  /** The fusion kind of a fusion instruction. */
  public Optional<FusionKind> fusionKind() {
    return Optional.ofNullable(fusionKind);
  }

  /** The direction of a compare. */
  public Optional<ComparisonDirection> comparisonDirection() {
    return Optional.ofNullable(comparisonDirection);
  }

  /** The target of a custom-call. */
  public Optional<String> customCallTarget() {
    return Optional.ofNullable(customCallTarget);
  }

  /** The backend config (JSON text on TPU and GPU), if any. */
  public Optional<String> backendConfig() {
    return Optional.ofNullable(backendConfig);
  }

  /** Attributes kept as text (name to value, in the order they were given). */
  public Map<String, String> attributes() {
    return attributes;
  }

  @Override
  public String toString() {
    return "%" + name + " = " + shape + " " + opcode.text() + " (id " + id + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Instruction i
        && id == i.id
        && name.equals(i.name)
        && opcode == i.opcode
        && shape.equals(i.shape)
        && Arrays.equals(operandIds, i.operandIds)
        && Arrays.equals(calledComputationIds, i.calledComputationIds)
        && parameterNumber == i.parameterNumber
        && tupleIndex == i.tupleIndex
        && Arrays.equals(dimensions, i.dimensions)
        && Objects.equals(window, i.window)
        && Objects.equals(convolutionDimensions, i.convolutionDimensions)
        && featureGroupCount == i.featureGroupCount
        && batchGroupCount == i.batchGroupCount
        && Objects.equals(dotDimensions, i.dotDimensions)
        && Objects.equals(gatherDimensions, i.gatherDimensions)
        && Arrays.equals(gatherSliceSizes, i.gatherSliceSizes)
        && Objects.equals(scatterDimensions, i.scatterDimensions)
        && slice.equals(i.slice)
        && Arrays.equals(dynamicSliceSizes, i.dynamicSliceSizes)
        && padding.equals(i.padding)
        && fusionKind == i.fusionKind
        && comparisonDirection == i.comparisonDirection
        && Objects.equals(customCallTarget, i.customCallTarget)
        && Objects.equals(backendConfig, i.backendConfig)
        && attributes.equals(i.attributes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, opcode, shape, Arrays.hashCode(operandIds));
  }

  /** Builder for {@link Instruction}; setters validate their argument and say which field is wrong. */
  public static final class Builder {
    private final long id;
    private final String name;
    private final Opcode opcode;
    private final Shape shape;
    private long[] operandIds = NONE;
    private long[] calledComputationIds = NONE;
    private long parameterNumber = -1;
    private long tupleIndex = -1;
    private long[] dimensions = NONE;
    private Window window;
    private ConvolutionDimensionNumbers convolutionDimensions;
    private long featureGroupCount = 1;
    private long batchGroupCount = 1;
    private DotDimensionNumbers dotDimensions;
    private GatherDimensionNumbers gatherDimensions;
    private long[] gatherSliceSizes = NONE;
    private ScatterDimensionNumbers scatterDimensions;
    private ImmutableList<SliceDimension> slice = ImmutableList.of();
    private long[] dynamicSliceSizes = NONE;
    private ImmutableList<PaddingDimension> padding = ImmutableList.of();
    private FusionKind fusionKind;
    private ComparisonDirection comparisonDirection;
    private String customCallTarget;
    private String backendConfig;
    private final Map<String, String> attributes = new LinkedHashMap<>();

    private Builder(long id, String name, Opcode opcode, Shape shape) {
      checkNotNull(name, "instruction name");
      checkArgument(!name.isEmpty(), "instruction %s has an empty name", id);
      this.id = id;
      this.name = name;
      this.opcode = checkNotNull(opcode, "opcode of %s", name);
      this.shape = checkNotNull(shape, "shape of %s", name);
    }

    /** Sets the operand ids, in order. */
    public Builder operands(long... ids) {
      this.operandIds = ids.length == 0 ? NONE : ids.clone();
      return this;
    }

    /** Sets the called computation ids, in order. */
    public Builder calledComputations(long... ids) {
      this.calledComputationIds = ids.length == 0 ? NONE : ids.clone();
      return this;
    }

    /** Sets {@code parameter_number}. */
    public Builder parameterNumber(long n) {
      checkArgument(n >= 0, "parameter_number of %s must be >= 0, got %s", name, n);
      this.parameterNumber = n;
      return this;
    }

    /** Sets the get-tuple-element {@code index}. */
    public Builder tupleIndex(long index) {
      checkArgument(index >= 0, "index of %s must be >= 0, got %s", name, index);
      this.tupleIndex = index;
      return this;
    }

    /** Sets {@code dimensions} (or the iota dimension). */
    public Builder dimensions(long... dims) {
      this.dimensions = dims.length == 0 ? NONE : dims.clone();
      return this;
    }

    /** Sets the window. */
    public Builder window(Window w) {
      this.window = w;
      return this;
    }

    /** Sets convolution dimension numbers. */
    public Builder convolutionDimensions(ConvolutionDimensionNumbers d) {
      this.convolutionDimensions = d;
      return this;
    }

    /** Sets {@code feature_group_count}. */
    public Builder featureGroupCount(long n) {
      checkArgument(n >= 1, "feature_group_count of %s must be >= 1, got %s", name, n);
      this.featureGroupCount = n;
      return this;
    }

    /** Sets {@code batch_group_count}. */
    public Builder batchGroupCount(long n) {
      checkArgument(n >= 1, "batch_group_count of %s must be >= 1, got %s", name, n);
      this.batchGroupCount = n;
      return this;
    }

    /** Sets dot dimension numbers. */
    public Builder dotDimensions(DotDimensionNumbers d) {
      this.dotDimensions = d;
      return this;
    }

    /** Sets gather dimension numbers. */
    public Builder gatherDimensions(GatherDimensionNumbers d) {
      this.gatherDimensions = d;
      return this;
    }

    /** Sets gather {@code slice_sizes}. */
    public Builder gatherSliceSizes(long... sizes) {
      this.gatherSliceSizes = sizes.length == 0 ? NONE : sizes.clone();
      return this;
    }

    /** Sets scatter dimension numbers. */
    public Builder scatterDimensions(ScatterDimensionNumbers d) {
      this.scatterDimensions = d;
      return this;
    }

    /** Sets static slice bounds. */
    public Builder slice(List<SliceDimension> s) {
      this.slice = ImmutableList.copyOf(s);
      return this;
    }

    /** Sets {@code dynamic_slice_sizes}. */
    public Builder dynamicSliceSizes(long... sizes) {
      this.dynamicSliceSizes = sizes.length == 0 ? NONE : sizes.clone();
      return this;
    }

    /** Sets the pad configuration. */
    public Builder padding(List<PaddingDimension> p) {
      this.padding = ImmutableList.copyOf(p);
      return this;
    }

    /** Sets the fusion kind. */
    public Builder fusionKind(FusionKind k) {
      this.fusionKind = k;
      return this;
    }

    /** Sets the comparison direction. */
    public Builder comparisonDirection(ComparisonDirection d) {
      this.comparisonDirection = d;
      return this;
    }

    /** Sets the custom-call target. */
    public Builder customCallTarget(String target) {
      this.customCallTarget = target;
      return this;
    }

    /** Sets the backend config text. */
    public Builder backendConfig(String config) {
      this.backendConfig = config;
      return this;
    }

    /** Keeps an attribute as text (replacing an earlier value of the same name). */
    public Builder attribute(String key, String value) {
      attributes.put(checkNotNull(key, "attribute name"), checkNotNull(value, "value of attribute %s", key));
      return this;
    }

    /** Builds the instruction, checking attributes that every instruction of its opcode needs. */
    public Instruction build() {
      switch (opcode) {
        case PARAMETER -> checkArgument(
            parameterNumber >= 0, "parameter %s has no parameter_number", name);
        case GET_TUPLE_ELEMENT -> checkArgument(
            tupleIndex >= 0, "get-tuple-element %s has no index", name);
        case FUSION -> checkArgument(
            calledComputationIds.length >= 1, "fusion %s calls no computation", name);
        default -> {}
      }
      return new Instruction(this);
    }
  }
}
