package dev.tpucost.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tpucost.corpus.dataset.DatasetReader;
import dev.tpucost.gnn.ModelFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a learned model's file says about the measured kernels it was fitted to, for {@code evaluate} on a measured
 * dataset: a model fine-tuned on measurements ({@code train --init}) lists them, and keeps the model it was
 * fine-tuned from ({@link ModelFile#fineTunedFrom}), which keeps its own, back to the model as trained — its
 * lineage. Weights have seen a kernel if some model of the lineage was fine-tuned on it for at least one epoch; an
 * interval alone was calibrated on it if that took 0 epochs. Scores on such kernels are not held out: outside the
 * kernel split {@link #warnInSample} says so, and the kernel split starts its folds from {@link #foldStart}.
 */
final class FineTuneLineage {
  private FineTuneLineage() {}

  /** The ids of a measured dataset's kernels (empty for a simulated one: nothing is fine-tuned on those). */
  static Set<String> measuredKernels(DatasetReader reader) throws IOException {
    Set<String> kernels = new HashSet<>();
    if (reader.measured()) {
      reader.forEach(r -> kernels.add(r.getProgramId()));
    }
    return kernels;
  }

  /** {@code f}, the model it was fine-tuned from, and so on back to the first that keeps none. */
  static List<ModelFile> lineage(ModelFile f) throws IOException {
    List<ModelFile> out = new ArrayList<>();
    for (Optional<ModelFile> m = Optional.of(f); m.isPresent(); m = m.get().fineTunedFrom()) {
      out.add(m.get());
    }
    return out;
  }

  /** How many of {@code kernels} the model {@code f} itself was fine-tuned or calibrated on. */
  static long seen(ModelFile f, Set<String> kernels) {
    long seen = 0;
    for (JsonNode id : f.info().path("fine_tuned").path("kernel_ids")) {
      seen += kernels.contains(id.asText()) ? 1 : 0;
    }
    return seen;
  }

  /** True if {@code f} itself was fine-tuned for at least one epoch (not only its interval calibrated). */
  static boolean tuned(ModelFile f) {
    return f.info().path("fine_tuned").path("epochs").asInt() > 0;
  }

  /**
   * Outside the kernel split: a warning if model {@code name}'s weights have seen some of {@code kernels} (it is
   * scored on kernels it was fitted to), a note if only its interval was calibrated on them (how often it holds is
   * then in sample); nothing otherwise.
   */
  static void warnInSample(String name, ModelFile f, Set<String> kernels, String split, PrintWriter err)
      throws IOException {
    long tunedOn = 0;
    long calibratedOn = 0;
    for (ModelFile m : lineage(f)) {
      tunedOn = Math.max(tunedOn, tuned(m) ? seen(m, kernels) : 0);
      calibratedOn = Math.max(calibratedOn, seen(m, kernels));
    }
    if (tunedOn > 0) {
      err.println("tpucost: warning: " + name + " was fine-tuned on " + tunedOn + " of this dataset's " + kernels.size()
          + " kernels: --split " + split + " scores it on kernels it was fitted to (--split kernel starts each fold from"
          + " the model it was fine-tuned from)");
    } else if (calibratedOn > 0) {
      err.println("note: " + name + "'s interval was calibrated on " + calibratedOn + " of this dataset's "
          + kernels.size() + " kernels, so how often it holds here is in sample (--split kernel recalibrates it on each"
          + " fold's other kernels)");
    }
  }

  /**
   * The model a kernel split fine-tunes per fold for model {@code name} in {@code f}: {@code f} unless weights of
   * its lineage were fine-tuned on some of {@code kernels}, then the model the oldest such fine-tuning started from,
   * so that no fold starts from weights that saw its held-out kernel (a note says so). If the lineage does not keep
   * it (a file fine-tuned before December 4, 2026), {@code f} with a warning that its scores are not held out.
   */
  static ModelFile foldStart(String name, ModelFile f, Set<String> kernels, PrintWriter err) throws IOException {
    List<ModelFile> line = lineage(f);
    int oldest = -1;
    for (int i = 0; i < line.size(); i++) {
      if (tuned(line.get(i)) && seen(line.get(i), kernels) > 0) {
        oldest = i;
      }
    }
    if (oldest < 0) {
      return f;
    }
    String of = seen(line.get(oldest), kernels) + " of these " + kernels.size() + " kernels";
    if (oldest + 1 == line.size()) {
      err.println("tpucost: warning: " + name + " was fine-tuned on " + of + " and its file does not keep the model it"
          + " was fine-tuned from: each fold fine-tunes it further from weights that have seen the held-out kernel, so"
          + " its scores are not held out");
      return f;
    }
    err.println("note: " + name + " was fine-tuned on " + of + ": each fold fine-tunes the model it was fine-tuned"
        + " from (kept in its file), which has not seen them");
    return line.get(oldest + 1);
  }
}
