package dev.tpucost.gnn.training;

import dev.tpucost.gnn.ModelFile;
import dev.tpucost.gnn.net.Weights;
import java.io.IOException;
import java.util.Map;

/** Checkpoint entries in {@link ModelFile}'s binary format. */
final class ModelFileAccess {
  private ModelFileAccess() {}

  static byte[] bytes(Weights w) throws IOException {
    return ModelFile.weightBytes(w);
  }

  static Weights weights(byte[] b, String source) throws IOException {
    if (b == null) {
      throw new IOException(source + ": checkpoint has no best.bin");
    }
    return ModelFile.readWeights(b, source);
  }

  static byte[] floats(Map<String, float[]> a) throws IOException {
    return ModelFile.floatsBytes(a);
  }

  static Map<String, float[]> floats(byte[] b, String source) throws IOException {
    if (b == null) {
      throw new IOException(source + ": checkpoint has no adam.bin");
    }
    return ModelFile.bytesFloats(b, source);
  }
}
