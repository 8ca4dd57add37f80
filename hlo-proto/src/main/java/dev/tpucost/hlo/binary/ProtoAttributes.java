package dev.tpucost.hlo.binary;

import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.hlo.AttributeValues;
import dev.tpucost.hlo.wire.HloInstructionProto;
import dev.tpucost.hlo.wire.OpMetadata;
import dev.tpucost.hlo.wire.PrecisionConfig;
import dev.tpucost.hlo.wire.ReplicaGroup;
import dev.tpucost.hlo.wire.SourceTarget;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The proto fields that have no typed field in the IR, kept as text attributes under their HLO text
 * names ({@code channel_id}, {@code replica_groups}, {@code metadata}, ...). {@link #read} and
 * {@link #write} are inverses for every key listed here; other text attributes (sharding, frontend
 * attributes, ...) have no field in tpucost's schema and are not written to protobuf.
 */
final class ProtoAttributes {
  static final String LITERAL = "literal";
  static final String CONTROL_PREDECESSORS = "control-predecessors";
  static final String METADATA = "metadata";

  private static final List<String> FFT_TYPES = List.of("FFT", "IFFT", "RFFT", "IRFFT");
  private static final List<String> DISTRIBUTIONS = List.of("rng_invalid", "rng_uniform", "rng_normal");
  private static final List<String> RNG_ALGORITHMS = List.of("rng_default", "rng_three_fry", "rng_philox");
  private static final List<String> DIM_LEVEL_TYPES = List.of("D", "C", "S", "H");
  private static final Pattern METADATA_ITEM = Pattern.compile(
      "(\\w+)=(\"[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+\"|[^\\s}]+)"); // possessive: no recursion per character

  private ProtoAttributes() {}

  /** Adds the text attributes of {@code p}, in a fixed order. */
  static void read(HloInstructionProto p, Opcode op, Instruction.Builder b) {
    if (op == Opcode.REDUCE_PRECISION) {
      b.attribute("exponent_bits", Integer.toString(p.getExponentBits()));
      b.attribute("mantissa_bits", Integer.toString(p.getMantissaBits()));
    }
    if (op == Opcode.BATCH_NORM_TRAINING || op == Opcode.BATCH_NORM_INFERENCE || op == Opcode.BATCH_NORM_GRAD) {
      b.attribute("epsilon", Float.toString(p.getEpsilon()));
      b.attribute("feature_index", Long.toString(p.getFeatureIndex()));
    }
    if (op == Opcode.FFT) {
      b.attribute("fft_type", p.getFftType() >= 0 && p.getFftType() < FFT_TYPES.size() ? FFT_TYPES.get(p.getFftType()) : Integer.toString(p.getFftType()));
      b.attribute("fft_length", AttributeValues.list(p.getFftLengthList().stream().mapToLong(Long::longValue).toArray()));
    }
    if (p.getChannelId() != 0) {
      b.attribute("channel_id", Long.toString(p.getChannelId()));
    }
    if (op == Opcode.TOP_K) {
      b.attribute("k", Long.toString(p.getK()));
      b.attribute("largest", Boolean.toString(p.getLargest()));
    }
    flag(b, "is_stable", p.getIsStable());
    flag(b, "indices_are_sorted", p.getIndicesAreSorted());
    flag(b, "unique_indices", p.getUniqueIndices());
    if (!p.getComparisonType().isEmpty()) {
      b.attribute("type", p.getComparisonType());
    }
    if (p.getReplicaGroupsCount() > 0) {
      long[][] groups = new long[p.getReplicaGroupsCount()][];
      for (int i = 0; i < groups.length; i++) {
        groups[i] = p.getReplicaGroups(i).getReplicaIdsList().stream().mapToLong(Long::longValue).toArray();
      }
      b.attribute("replica_groups", AttributeValues.nested(groups));
    }
    if (p.getSourceTargetPairsCount() > 0) {
      long[][] pairs = new long[p.getSourceTargetPairsCount()][];
      for (int i = 0; i < pairs.length; i++) {
        pairs[i] = new long[] {p.getSourceTargetPairs(i).getSource(), p.getSourceTargetPairs(i).getTarget()};
      }
      b.attribute("source_target_pairs", AttributeValues.nested(pairs));
    }
    if (op == Opcode.RNG && p.getDistribution() != 0) {
      b.attribute("distribution", name(DISTRIBUTIONS, p.getDistribution()));
    }
    if (op == Opcode.RNG_BIT_GENERATOR) {
      b.attribute("algorithm", name(RNG_ALGORITHMS, p.getRngAlgorithm()));
    }
    flag(b, "custom_call_has_side_effect", p.getCustomCallHasSideEffect());
    flag(b, "use_global_device_ids", p.getUseGlobalDeviceIds());
    flag(b, "constrain_layout", p.getConstrainLayout());
    flag(b, "is_host_transfer", p.getIsHostTransfer());
    if (op == Opcode.RNG_GET_AND_UPDATE_STATE) {
      b.attribute("delta", Long.toString(p.getDelta()));
    }
    if (!p.getAsyncExecutionThread().isEmpty()) {
      b.attribute("async_execution_thread", AttributeValues.quote(p.getAsyncExecutionThread()));
    }
    flag(b, "is_composite", p.getIsComposite());
    flag(b, "is_reverse", p.getIsReverse());
    if (p.getNumCarries() != 0) {
      b.attribute("num_carries", Long.toString(p.getNumCarries()));
    }
    if (p.hasPrecisionConfig() && p.getPrecisionConfig().getOperandPrecisionCount() > 0) {
      StringBuilder sb = new StringBuilder("{");
      for (PrecisionConfig.Precision pr : p.getPrecisionConfig().getOperandPrecisionList()) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        sb.append(pr == PrecisionConfig.Precision.UNRECOGNIZED ? "default" : pr.name().toLowerCase(Locale.ROOT));
      }
      b.attribute("operand_precision", sb.append('}').toString());
    }
  }

  /**
   * Sets the proto fields for the text attributes in {@code attrs} that this table knows; others are
   * left out. {@code ids} maps instruction names to ids (for control predecessors).
   */
  static void write(Map<String, String> attrs, HloInstructionProto.Builder p, Map<String, Long> ids) {
    for (Map.Entry<String, String> e : attrs.entrySet()) {
      String v = e.getValue().trim();
      try {
        switch (e.getKey()) {
          case "exponent_bits" -> p.setExponentBits(Integer.parseInt(v));
          case "mantissa_bits" -> p.setMantissaBits(Integer.parseInt(v));
          case "epsilon" -> p.setEpsilon(Float.parseFloat(v));
          case "feature_index" -> p.setFeatureIndex(Long.parseLong(v));
          case "fft_type" -> p.setFftType(FFT_TYPES.contains(v) ? FFT_TYPES.indexOf(v) : Integer.parseInt(v));
          case "fft_length" -> {
            for (long x : AttributeValues.parseList(v)) {
              p.addFftLength(x);
            }
          }
          case "channel_id" -> p.setChannelId(Long.parseLong(v));
          case "k" -> p.setK(Long.parseLong(v));
          case "largest" -> p.setLargest(Boolean.parseBoolean(v));
          case "is_stable" -> p.setIsStable(Boolean.parseBoolean(v));
          case "indices_are_sorted" -> p.setIndicesAreSorted(Boolean.parseBoolean(v));
          case "unique_indices" -> p.setUniqueIndices(Boolean.parseBoolean(v));
          case "type" -> p.setComparisonType(v);
          case "replica_groups" -> {
            if (v.startsWith("{")) {
              for (long[] g : AttributeValues.parseNested(v)) {
                ReplicaGroup.Builder rg = ReplicaGroup.newBuilder();
                for (long x : g) {
                  rg.addReplicaIds(x);
                }
                p.addReplicaGroups(rg);
              }
            }
          }
          case "source_target_pairs" -> {
            for (long[] pair : AttributeValues.parseNested(v)) {
              if (pair.length == 2) {
                p.addSourceTargetPairs(SourceTarget.newBuilder().setSource(pair[0]).setTarget(pair[1]));
              }
            }
          }
          case "distribution" -> p.setDistribution(number(DISTRIBUTIONS, v));
          case "algorithm" -> {
            if (RNG_ALGORITHMS.contains(v)) {
              p.setRngAlgorithm(RNG_ALGORITHMS.indexOf(v));
            }
          }
          case "custom_call_has_side_effect" -> p.setCustomCallHasSideEffect(Boolean.parseBoolean(v));
          case "use_global_device_ids" -> p.setUseGlobalDeviceIds(Boolean.parseBoolean(v));
          case "constrain_layout" -> p.setConstrainLayout(Boolean.parseBoolean(v));
          case "is_host_transfer" -> p.setIsHostTransfer(Boolean.parseBoolean(v));
          case "delta" -> p.setDelta(Long.parseLong(v));
          case "async_execution_thread" -> p.setAsyncExecutionThread(AttributeValues.unquote(v));
          case "is_composite" -> p.setIsComposite(Boolean.parseBoolean(v));
          case "is_reverse" -> p.setIsReverse(Boolean.parseBoolean(v));
          case "num_carries" -> p.setNumCarries(Long.parseLong(v));
          case "operand_precision" -> {
            PrecisionConfig.Builder pc = PrecisionConfig.newBuilder();
            for (String s : v.replaceAll("[{}\\s]", "").split(",")) {
              if (!s.isEmpty()) {
                pc.addOperandPrecision(switch (s.toLowerCase(Locale.ROOT)) {
                  case "high" -> PrecisionConfig.Precision.HIGH;
                  case "highest" -> PrecisionConfig.Precision.HIGHEST;
                  default -> PrecisionConfig.Precision.DEFAULT;
                });
              }
            }
            p.setPrecisionConfig(pc);
          }
          case METADATA -> p.setMetadata(metadata(v));
          case CONTROL_PREDECESSORS -> {
            for (String s : v.replaceAll("[{}\\s]", "").split(",")) {
              Long id = ids.get(s.startsWith("%") ? s.substring(1) : s);
              if (id != null) {
                p.addControlPredecessorIds(id);
              }
            }
          }
          default -> {
            // A text-only attribute: no field in the schema.
          }
        }
      } catch (IllegalArgumentException ignored) {
        // A text attribute whose value is not in this field's form (e.g. replica_groups=[2,4]<=[8]) has
        // no protobuf form here; it is left out, like other text-only attributes.
      }
    }
  }

  private static OpMetadata metadata(String text) {
    OpMetadata.Builder m = OpMetadata.newBuilder();
    Matcher matcher = METADATA_ITEM.matcher(text);
    while (matcher.find()) {
      String v = AttributeValues.unquote(matcher.group(2));
      switch (matcher.group(1)) {
        case "op_type" -> m.setOpType(v);
        case "op_name" -> m.setOpName(v);
        case "source_file" -> m.setSourceFile(v);
        case "source_line" -> m.setSourceLine(Integer.parseInt(v));
        default -> {
          // Other metadata fields are not kept.
        }
      }
    }
    return m.build();
  }

  private static void flag(Instruction.Builder b, String key, boolean value) {
    if (value) {
      b.attribute(key, "true");
    }
  }

  private static String name(List<String> names, int number) {
    return number >= 0 && number < names.size() ? names.get(number) : Integer.toString(number);
  }

  private static int number(List<String> names, String text) {
    return names.contains(text) ? names.indexOf(text) : Integer.parseInt(text);
  }

  /** Text spelling of a {@code DimLevelType} number. */
  static String dimLevelType(int level) {
    return level >= 0 && level < DIM_LEVEL_TYPES.size() ? DIM_LEVEL_TYPES.get(level) : Integer.toString(level);
  }

  /** {@code DimLevelType} number of a text spelling (suffixes {@code +~} ignored). */
  static int dimLevelTypeNumber(String text) {
    String base = text.replaceAll("[+~]", "");
    return DIM_LEVEL_TYPES.contains(base) ? DIM_LEVEL_TYPES.indexOf(base) : 0;
  }
}
