package dev.tpucost.hlo.tuning;

import com.google.common.collect.ImmutableList;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.tile.InvalidTileException;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.hlo.HloParseException;
import dev.tpucost.hlo.binary.HloProtoReader;
import dev.tpucost.hlo.tuning.wire.ConfigProfile;
import dev.tpucost.hlo.tuning.wire.ModuleTuningData;
import dev.tpucost.hlo.tuning.wire.TileSizeConfig;
import dev.tpucost.hlo.tuning.wire.TuningData;
import dev.tpucost.hlo.wire.HloComputationProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads TpuGraphs tuning files: a {@code tpu_graphs.TuningData} (many kernels) or a single
 * {@code ModuleTuningData}, told apart by which reading yields modules with instructions. Every module
 * goes through {@link HloProtoReader}; errors are {@link HloParseException}s naming the file and the field
 * path, e.g. {@code modules[3] > runs[5] > op_config > tile_size_config > output_bounds[1]}.
 */
public final class TuningFiles {
  private TuningFiles() {}

  /**
   * The tuned kernels in {@code file}.
   *
   * @throws HloParseException if the content is not tuning data or a record is malformed
   * @throws IOException if the file cannot be read
   */
  public static List<TunedKernel> read(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory, not a tuning file");
    }
    return parse(Files.readAllBytes(file), file.toString());
  }

  /** The tuned kernels in {@code bytes}, naming {@code source} in errors. */
  public static List<TunedKernel> parse(byte[] bytes, String source) {
    List<ModuleTuningData> records = null;
    String firstError = null;
    try {
      TuningData data = TuningData.parseFrom(bytes);
      if (!data.getModulesList().isEmpty() && data.getModulesList().stream().allMatch(TuningFiles::plausible)) {
        records = data.getModulesList();
      }
    } catch (InvalidProtocolBufferException e) {
      firstError = e.getMessage();
    }
    boolean single = false;
    if (records == null) {
      try {
        ModuleTuningData one = ModuleTuningData.parseFrom(bytes);
        if (plausible(one)) {
          records = List.of(one);
          single = true;
        }
      } catch (InvalidProtocolBufferException e) {
        if (firstError == null) {
          firstError = e.getMessage();
        }
      }
    }
    if (records == null) {
      throw new HloParseException(source, 0, 0, "not TpuGraphs tuning data (a TuningData or ModuleTuningData with a"
          + " module and runs)" + (firstError != null ? ": " + firstError : ""));
    }
    ImmutableList.Builder<TunedKernel> out = ImmutableList.builder();
    for (int m = 0; m < records.size(); m++) {
      String path = single ? "" : "modules[" + m + "]";
      out.add(kernel(records.get(m), source, path));
    }
    return out.build();
  }

  /** A record with a module whose computations have instructions and at least one run. */
  private static boolean plausible(ModuleTuningData d) {
    if (!d.hasModule() || d.getModule().getComputationsCount() == 0 || d.getRunsCount() == 0) {
      return false;
    }
    for (HloComputationProto c : d.getModule().getComputationsList()) {
      if (c.getInstructionsCount() == 0) {
        return false;
      }
    }
    return true;
  }

  private static TunedKernel kernel(ModuleTuningData d, String source, String path) {
    String prefix = path.isEmpty() ? "" : path + " > ";
    HloModule module;
    try {
      module = HloProtoReader.fromProto(d.getModule(), source);
    } catch (HloParseException e) {
      // The reader names the field path inside the module; say which record it is.
      throw new HloParseException(source, 0, 0, prefix + "module > " + strip(e.getMessage(), source), e);
    }
    ImmutableList.Builder<TuningRun> runs = ImmutableList.builder();
    for (int r = 0; r < d.getRunsCount(); r++) {
      runs.add(run(d.getRuns(r), source, prefix + "runs[" + r + "]"));
    }
    return new TunedKernel(module, d.getFingerprint(), runs.build(), path.isEmpty() ? source : source + " > " + path);
  }

  private static TuningRun run(ConfigProfile p, String source, String path) {
    OptionalLong ns = OptionalLong.empty();
    if (p.hasProfile() && p.getProfile().getComputeTimeNs() != 0) {
      long t = p.getProfile().getComputeTimeNs();
      if (t < 0) {
        throw new HloParseException(source, 0, 0, path + " > profile > compute_time_ns: negative runtime " + t);
      }
      ns = OptionalLong.of(t);
    }
    if (p.getError()) {
      ns = OptionalLong.empty();
    }
    switch (p.getConfigCase()) {
      case OP_CONFIG -> {
        TileSizeConfig t = p.getOpConfig().getTileSizeConfig();
        String tp = path + " > op_config > tile_size_config";
        TileConfig tile;
        try {
          tile = TileConfig.of(bounds(t.getKernelBoundsList()), bounds(t.getOutputBoundsList()),
              bounds(t.getInputBoundsList()), bounds(t.getIterationBoundsList()));
        } catch (InvalidTileException e) {
          throw new HloParseException(source, 0, 0, tp + " > " + e.getMessage());
        }
        return new TuningRun(TuningRun.Kind.TILE, Optional.of(tile), p.getIsDefault(), p.getError(), ns);
      }
      case MODULE_CONFIG -> {
        return new TuningRun(TuningRun.Kind.LAYOUT, Optional.empty(), p.getIsDefault(), p.getError(), ns);
      }
      default -> throw new HloParseException(source, 0, 0, path + ": the run has neither op_config nor module_config");
    }
  }

  private static long[] bounds(List<Long> values) {
    long[] out = new long[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private static String strip(String message, String source) {
    return message.startsWith(source + ": ") ? message.substring(source.length() + 2) : message;
  }
}
