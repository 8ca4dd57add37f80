package dev.tpucost.corpus.dataset;

import com.google.protobuf.ByteString;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.corpus.dataset.wire.LabelSource;
import dev.tpucost.corpus.dataset.wire.TileSample;
import dev.tpucost.hlo.binary.HloProtoWriter;
import dev.tpucost.hlo.tuning.TunedKernel;
import dev.tpucost.hlo.tuning.TuningRun;

/**
 * The dataset record of a kernel measured on hardware: one sample per tile run, in the order of the runs,
 * labelled {@code MEASURED} on the chip. A failed run (or one without a runtime) is kept as rejected
 * ("failed on hardware"); a run whose bounds tpucost cannot read for the kernel is kept as rejected with the
 * reason; the same bounds measured twice stay two samples. Layout runs are not samples (the builder counts
 * them). The fusion-task label is the measured runtime of the compiler's default run.
 */
final class MeasuredLabels {
  private MeasuredLabels() {}

  static KernelRecord record(DatasetBuilder.Source program, Kernel kernel, String fingerprint, ChipSpec chip) {
    TunedKernel tuned = program.tuned().orElseThrow();
    TileSpace space = TileSpace.of(kernel, chip);
    KernelRecord.Builder b = KernelRecord.newBuilder()
        .setKernel(ByteString.copyFrom(HloProtoWriter.write(KernelModules.toModule(kernel))))
        .setProgramId(program.id())
        .setFamily(program.family())
        .setChip(chip.name())
        .setKernelName(kernel.name())
        .setFingerprint(fingerprint)
        .setFusionKind(kernel.fusionKind().map(Object::toString).orElse(""))
        .setNodeCount(kernel.nodeCount())
        .setOrigin(kernel.origin());
    for (TuningRun run : tuned.runs()) {
      if (run.kind() != TuningRun.Kind.TILE) {
        continue;
      }
      TileConfig t = run.tile().orElseThrow();
      TileSample.Builder s = Tiles.set(TileSample.newBuilder(), t)
          .setIsDefault(run.compilerDefault())
          .setLabelSource(LabelSource.MEASURED)
          .setLabelChip(chip.name());
      var problem = space.check(t);
      if (!run.isTileMeasurement()) {
        s.setError("failed on hardware" + (run.failed() ? "" : " (no runtime recorded)"));
      } else if (problem.isPresent()) {
        s.setError("tpucost cannot read this measured configuration: " + problem.get());
      } else {
        s.setRuntimeNs(run.measuredNanoseconds().getAsLong()).setSpilled(space.footprint(t).workingSetBytes() > chip.vmemBytes());
      }
      if (run.compilerDefault() && s.getError().isEmpty() && b.getDefaultRuntimeNs() == 0) {
        b.setDefaultRuntimeNs(s.getRuntimeNs());
      }
      b.addSamples(s);
    }
    return b.build();
  }
}
