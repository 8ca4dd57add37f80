package dev.tpucost.gnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.chip.ChipSpec;
import dev.tpucost.gnn.features.Normalizer;
import dev.tpucost.gnn.net.Hyper;
import dev.tpucost.gnn.net.Weights;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A trained model on disk: one zip holding {@code model.json} (format version, kind {@code gnn},
 * {@code hybrid} or {@code roofline}, hyper-parameters, opcode vocabulary, normalisation statistics, chip, the dataset
 * manifest's SHA-256, training options and validation metrics), {@code weights.bin} (named float matrices,
 * little-endian), optional extra entries (checkpoints keep the optimiser state there), and
 * {@code checksum.crc32c} over all of them ({@code checksum.sha256} before version 3), so a corrupt or
 * truncated file fails with a clear message.
 * Written atomically.
 *
 * @param kind {@code gnn} (predicts log runtime), {@code hybrid} (predicts log(runtime / analytical)) or
 *     {@code roofline} (predicts log(runtime / the kernel's roofline bound)): {@link TargetBase}
 * @param hyper network sizes
 * @param vocabulary opcode texts of embedding rows 1..
 * @param nodeNorm node feature statistics
 * @param configNorm config feature statistics
 * @param targetMean mean of the training target
 * @param targetStd standard deviation of the training target
 * @param chip the chip the model was trained for
 * @param info free-form metadata (dataset hash, options, validation metrics)
 * @param weights the parameters
 * @param extras extra named entries (optimiser state in checkpoints; {@link #FINE_TUNED_FROM})
 */
public record ModelFile(
    String kind,
    Hyper hyper,
    List<String> vocabulary,
    Normalizer nodeNorm,
    Normalizer configNorm,
    double targetMean,
    double targetStd,
    ChipSpec chip,
    JsonNode info,
    Weights weights,
    Map<String, byte[]> extras) {

  /**
   * The format this code writes. Version 2 marks models trained under XLA:TPU's tile semantics (iteration
   * spaces, ragged bounds, on-chip operands; the trainer records {@code "tile_semantics": "xla-tpu"} in
   * {@code info}); version-1 files (divisor-only tiles over the output) are still read, their {@code info}
   * then saying {@code "tile_semantics": "divisors"}. Version 3 is version 2 with a CRC-32C checksum
   * instead of the SHA-256 (which versions 1 and 2 keep and are checked by).
   */
  public static final int FORMAT_VERSION = 3;

  /** The tile semantics this code's features follow, recorded in version-2 files. */
  public static final String TILE_SEMANTICS = "xla-tpu";

  /** Writes model headers; created on first use (an ObjectMapper costs 150+ ms of class loading). */
  private static final class Writer {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /**
   * The SHA-256s of the manifests of the datasets the model was trained on, as {@code info} records them (one
   * dataset: {@code dataset_manifest_sha256}; several: {@code dataset_manifests_sha256}); empty if none.
   */
  public List<String> datasetHashes() {
    List<String> out = new java.util.ArrayList<>();
    info.path("dataset_manifests_sha256").forEach(h -> out.add(h.asText()));
    if (info.has("dataset_manifest_sha256")) {
      out.add(info.path("dataset_manifest_sha256").asText());
    }
    return out;
  }

  /** Writes the model to {@code file} atomically. */
  public void save(Path file) throws IOException {
    Map<String, byte[]> entries = entries();
    dev.tpucost.api.io.AtomicFiles.write(file, os -> writeZip(entries, os));
  }

  /** The model file's bytes, as {@link #save} writes them. */
  public byte[] bytes() throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    writeZip(entries(), out);
    return out.toByteArray();
  }

  private Map<String, byte[]> entries() throws IOException {
    Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
    entries.put("model.json", Writer.JSON.writeValueAsBytes(header()));
    entries.put("weights.bin", weightBytes(weights));
    entries.putAll(extras);
    entries.put("checksum.crc32c", crc32c(entries).getBytes(StandardCharsets.UTF_8));
    return entries;
  }

  private static void writeZip(Map<String, byte[]> entries, java.io.OutputStream os) throws IOException {
    ZipOutputStream zip = new ZipOutputStream(os);
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      ZipEntry ze = new ZipEntry(e.getKey());
      ze.setTime(0);
      zip.putNextEntry(ze);
      zip.write(e.getValue());
      zip.closeEntry();
    }
    zip.finish();
  }

  /**
   * The extra entry in which a model fine-tuned on measurements keeps, as a whole model file, the model it was
   * fine-tuned from ({@link #fineTunedFrom}).
   */
  public static final String FINE_TUNED_FROM = "fine_tuned_from.zip";

  /**
   * The model this one was fine-tuned from ({@code tpucost train --init}, with 0 epochs too), if its file keeps it
   * (fine-tuned since December 4, 2026): what a leave-one-kernel-out evaluation on the same measurements must start
   * each fold from, as the fine-tuned weights have seen every kernel.
   */
  public java.util.Optional<ModelFile> fineTunedFrom() throws IOException {
    byte[] b = extras.get(FINE_TUNED_FROM);
    return b == null ? java.util.Optional.empty()
        : java.util.Optional.of(read(new java.io.ByteArrayInputStream(b), "the model " + kind + " was fine-tuned from"));
  }

  /** This model keeping {@code from} (with whatever it keeps) as the model it was fine-tuned from. */
  public ModelFile withFineTunedFrom(ModelFile from) throws IOException {
    Map<String, byte[]> e = new HashMap<>(extras);
    e.put(FINE_TUNED_FROM, from.bytes());
    return new ModelFile(kind, hyper, vocabulary, nodeNorm, configNorm, targetMean, targetStd, chip, info, weights, e);
  }

  private ObjectNode header() {
    ObjectNode n = Writer.JSON.createObjectNode();
    n.put("format_version", FORMAT_VERSION);
    n.put("kind", kind);
    ObjectNode hy = n.putObject("hyper");
    hy.put("hidden", hyper.hidden()).put("embed", hyper.embed()).put("layers", hyper.layers())
        .put("head1", hyper.head1()).put("head2", hyper.head2()).put("config_features", hyper.configFeatures());
    if (hyper.earlyJoin()) {
      hy.put("early_join", true); // absent in late-join files, which keeps version-1 files byte-identical
    }
    n.set("vocabulary", Writer.JSON.valueToTree(vocabulary));
    n.set("node_norm", norm(nodeNorm));
    n.set("config_norm", norm(configNorm));
    n.put("target_mean", targetMean).put("target_std", targetStd);
    try {
      n.set("chip", Writer.JSON.readTree(ChipFiles.toJson(chip)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    n.set("info", info);
    return n;
  }

  private static JsonNode norm(Normalizer z) {
    ObjectNode n = Writer.JSON.createObjectNode();
    n.set("mean", Writer.JSON.valueToTree(z.mean()));
    n.set("std", Writer.JSON.valueToTree(z.std()));
    return n;
  }

  /**
   * CRC-32C over every entry's name and bytes, eight hex digits (format 3; the JDK's intrinsic: nothing to
   * start up, where format 2's SHA-256 cost 55-70 ms of security-provider start-up in a fresh JVM).
   */
  private static String crc32c(Map<String, byte[]> entries) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    entries.forEach((name, bytes) -> {
      crc.update(name.getBytes(StandardCharsets.UTF_8));
      crc.update(bytes);
    });
    return String.format("%08x", crc.getValue());
  }

  /** Format 1 and 2's checksum: SHA-256 over every entry's name and bytes, in hex. */
  private static String sha256(Map<String, byte[]> entries) {
    var h = Hashing.sha256().newHasher();
    entries.forEach((name, bytes) -> h.putString(name, StandardCharsets.UTF_8).putBytes(bytes));
    return h.hash().toString();
  }

  /** Reads a model file; {@code source} names it in errors. */
  public static ModelFile read(InputStream in, String source) throws IOException {
    Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        entries.put(e.getName(), zip.readAllBytes());
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(source + ": not a readable tpucost model file (" + e.getMessage() + ")", e);
    }
    byte[] crc = entries.remove("checksum.crc32c");
    byte[] sha = crc == null ? entries.remove("checksum.sha256") : null;
    if ((crc == null && sha == null) || !entries.containsKey("model.json") || !entries.containsKey("weights.bin")) {
      throw new IOException(source + ": not a complete tpucost model file (missing "
          + (crc == null && sha == null ? "its checksum" : !entries.containsKey("model.json") ? "model.json" : "weights.bin")
          + "; truncated?)");
    }
    String expected = new String(crc != null ? crc : sha, StandardCharsets.UTF_8);
    if (!(crc != null ? crc32c(entries) : sha256(entries)).equals(expected)) {
      throw new IOException(source + ": checksum mismatch; the model file is corrupt");
    }
    JsonNode n;
    try {
      n = dev.tpucost.api.io.JsonTrees.parse(entries.get("model.json"));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(source + ": model.json is not valid JSON: " + dev.tpucost.api.io.JsonTrees.describe(e), e);
    }
    if (n == null || !n.isObject()) {
      throw new IOException(source + ": model.json is not a JSON object");
    }
    int version = n.path("format_version").asInt(-1);
    if (version < 1 || version > FORMAT_VERSION) {
      throw new IOException(source + ": model format version " + n.path("format_version") + " is not supported (this"
          + " tpucost reads versions 1 to " + FORMAT_VERSION + ")");
    }
    JsonNode info = n.path("info");
    if (version == 1 && info.isObject() && !info.has("tile_semantics")) {
      ((ObjectNode) info).put("tile_semantics", "divisors");
    }
    JsonNode hy = n.path("hyper");
    Hyper hyper = new Hyper(hy.path("hidden").asInt(), hy.path("embed").asInt(), hy.path("layers").asInt(),
        hy.path("head1").asInt(), hy.path("head2").asInt(), hy.path("config_features").asInt(),
        hy.path("early_join").asBoolean(false));
    List<String> vocab = new java.util.ArrayList<>();
    n.path("vocabulary").forEach(v -> vocab.add(v.asText()));
    ChipSpec chip = ChipFiles.fromTree(n.path("chip"), source + " (chip)");
    Map<String, byte[]> extras = new HashMap<>(entries);
    extras.remove("model.json");
    extras.remove("weights.bin");
    return new ModelFile(n.path("kind").asText(), hyper, vocab, readNorm(n.path("node_norm")), readNorm(n.path("config_norm")),
        n.path("target_mean").asDouble(), n.path("target_std").asDouble(), chip, info,
        readWeights(entries.get("weights.bin"), source), extras);
  }

  /** Reads a model file from disk. */
  public static ModelFile load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such model file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  private static Normalizer readNorm(JsonNode n) {
    return new Normalizer(floats(n.path("mean")), floats(n.path("std")));
  }

  private static float[] floats(JsonNode a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) a.get(i).asDouble();
    }
    return out;
  }

  /** Weights as bytes (checkpoints). */
  public static byte[] weightBytes(Weights w) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bos)) {
      out.writeInt(w.all().size());
      for (Map.Entry<String, Weights.Matrix> e : w.all().entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().rows());
        out.writeInt(e.getValue().cols());
        ByteBuffer buf = ByteBuffer.allocate(4 * e.getValue().data().length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : e.getValue().data()) {
          buf.putFloat(f);
        }
        out.write(buf.array());
      }
    }
    return bos.toByteArray();
  }

  /** The inverse of {@link #weightBytes}. */
  public static Weights readWeights(byte[] bytes, String source) throws IOException {
    Weights w = new Weights();
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      int count = in.readInt();
      if (count < 0 || count > 1000) {
        throw new IOException(source + ": weights.bin claims " + count + " matrices");
      }
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        int rows = in.readInt();
        int cols = in.readInt();
        if (rows < 0 || cols < 0 || (long) rows * cols * 4 > in.available()) {
          throw new IOException(source + ": weights.bin matrix '" + name + "' claims " + rows + "x" + cols + " values");
        }
        byte[] raw = new byte[rows * cols * 4];
        in.readFully(raw);
        ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] d = new float[rows * cols];
        for (int k = 0; k < d.length; k++) {
          d[k] = buf.getFloat();
        }
        w.put(name, rows, cols, d);
      }
    }
    return w;
  }

  /** Float arrays as bytes (for optimiser state in checkpoints). */
  public static byte[] floatsBytes(Map<String, float[]> arrays) throws IOException {
    Weights w = new Weights();
    arrays.forEach((k, v) -> w.put(k, 1, v.length, v));
    return weightBytes(w);
  }

  /** The inverse of {@link #floatsBytes}. */
  public static Map<String, float[]> bytesFloats(byte[] bytes, String source) throws IOException {
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    readWeights(bytes, source).all().forEach((k, v) -> out.put(k, v.data()));
    return out;
  }
}
