package dev.tpucost.corpus.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads a dataset: its manifest, and its records shard by shard after checking each shard's SHA-256
 * against the manifest (a truncated or altered shard is an error naming the file).
 */
public final class DatasetReader {
  private final Path dir;
  private final JsonNode manifest;

  private DatasetReader(Path dir, JsonNode manifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  /** Opens the dataset in {@code dir}. */
  public static DatasetReader open(Path dir) throws IOException {
    Path m = dir.resolve("manifest.json");
    JsonNode manifest;
    try {
      manifest = DatasetBuilder.JSON.readTree(m.toFile());
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new IOException(dir + " is not a finished tpucost dataset: no " + m, e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(m + ": not valid JSON: " + dev.tpucost.api.io.JsonTrees.describe(e)
          + " (truncated? rebuild the dataset)", e);
    }
    if (manifest == null || !manifest.isObject()) {
      throw new IOException(m + ": not a dataset manifest (a JSON object)");
    }
    return new DatasetReader(dir, manifest);
  }

  /** The manifest. */
  public JsonNode manifest() {
    return manifest;
  }

  /** The chip the dataset was labelled for (the manifest's {@code chip}, a chip file's JSON). */
  public dev.tpucost.api.chip.ChipSpec chip() {
    return dev.tpucost.api.chip.ChipFiles.fromTree(manifest.path("chip"), dir.resolve("manifest.json") + " (chip)");
  }

  /** True if the labels were measured on hardware ({@code dataset --from-tuning}); older datasets are simulated. */
  public boolean measured() {
    return manifest.path("label_source").asText("simulated").equals("measured");
  }

  /** The ids of the programs in {@code part} ({@code train}, {@code val}, {@code test}) of {@code split}. */
  public List<String> programIds(String split, String part) {
    List<String> out = new ArrayList<>();
    manifest.path("splits").path(split).path(part).path("program_ids").forEach(id -> out.add(id.asText()));
    return out;
  }

  /** SHA-256 of {@code manifest.json}'s bytes: the dataset's identity, recorded in the models trained on it. */
  public String manifestSha256() throws IOException {
    return com.google.common.hash.Hashing.sha256().hashBytes(java.nio.file.Files.readAllBytes(dir.resolve("manifest.json")))
        .toString();
  }

  /** The shard files listed in the manifest. */
  public List<Path> shards() {
    List<Path> out = new ArrayList<>();
    manifest.path("shards").forEach(s -> out.add(dir.resolve(s.path("file").asText())));
    return out;
  }

  /** Every record, in shard order, after verifying each shard's checksum. */
  public void forEach(Consumer<KernelRecord> action) throws IOException {
    for (JsonNode s : manifest.path("shards")) {
      Path file = dir.resolve(s.path("file").asText());
      String expected = s.path("sha256").asText();
      String actual = DatasetBuilder.sha256(file);
      if (!actual.equals(expected)) {
        throw new IOException(file + ": SHA-256 " + actual + " does not match the manifest's " + expected
            + " (truncated or altered shard)");
      }
      try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(file), 1 << 16))) {
        KernelRecord r;
        while ((r = KernelRecord.parseDelimitedFrom(in)) != null) {
          action.accept(r);
        }
      }
    }
  }

  /** Every record. */
  public List<KernelRecord> records() throws IOException {
    List<KernelRecord> out = new ArrayList<>();
    forEach(out::add);
    return out;
  }
}
