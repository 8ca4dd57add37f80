package dev.tpucost.corpus.dataset;

import dev.tpucost.api.io.AtomicFiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import com.google.protobuf.ByteString;
import dev.tpucost.api.chip.ChipFiles;
import dev.tpucost.api.hlo.HloModule;
import dev.tpucost.api.hlo.Instruction;
import dev.tpucost.api.hlo.Opcode;
import dev.tpucost.api.kernel.Kernel;
import dev.tpucost.api.kernel.Kernels;
import dev.tpucost.api.tile.TileConfig;
import dev.tpucost.api.tile.TileSpace;
import dev.tpucost.corpus.dataset.wire.KernelRecord;
import dev.tpucost.corpus.dataset.wire.LabelSource;
import dev.tpucost.corpus.dataset.wire.TileSample;
import dev.tpucost.api.fusion.FusionPass;
import dev.tpucost.corpus.zoo.Zoo;
import dev.tpucost.hlo.binary.HloProtoWriter;
import dev.tpucost.hlo.tuning.TunedKernel;
import dev.tpucost.hlo.tuning.TuningRun;
import dev.tpucost.sim.SimCalibration;
import dev.tpucost.sim.Simulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

/**
 * Builds a labelled dataset in three steps whose results do not depend on the thread count:
 *
 * <ol>
 *   <li>programs (zoo programs, or given modules) go through the fusion pass, greedily and in
 *       {@code fusionVariants} seeded random configurations, and their kernels are fingerprinted
 *       (parallel, cheap);
 *   <li>kernels are de-duplicated by fingerprint in program order: a kernel belongs to the first program
 *       that produces it, so a kernel never appears in two splits;
 *   <li>each shard (a run of programs) labels its kernels' sampled tile configs with the simulator and is
 *       written to a temporary file, renamed into place, then recorded in a sidecar with its SHA-256
 *       (parallel over shards).
 * </ol>
 *
 * A rerun with the same options skips every shard whose file matches its sidecar, so a killed build
 * resumes; a killed build never leaves a file under a shard's name that is not complete. The manifest is
 * written last.
 */
public final class DatasetBuilder {
  /** Version of the generator; stored in the manifest. */
  public static final String GENERATOR_VERSION = "tpucost-corpus/1";

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * A program to label: its id, family and (pre- or post-fusion) module; or, for a measured dataset, one
   * tuned kernel whose runs carry the labels ({@link #measured}).
   */
  public record Source(String id, String family, HloModule module, Optional<TunedKernel> tuned) {
    /** A program whose kernels the simulator labels. */
    public Source(String id, String family, HloModule module) {
      this(id, family, module, Optional.empty());
    }

    /** A kernel measured on hardware: its runs are the labels, nothing is simulated. */
    public static Source measured(String id, String family, TunedKernel tuned) {
      return new Source(id, family, tuned.module(), Optional.of(tuned));
    }
  }

  /**
   * What a build produced.
   *
   * @param layoutRunsSkipped runs of measured kernels that configure layouts, not tiles: counted, not labelled
   */
  public record Summary(int programs, int kernels, long samples, long errors, int shards, int shardsReused, double seconds,
      long layoutRunsSkipped) {}

  private record Owned(Source program, List<Kernel> kernels, List<String> fingerprints) {}

  private final DatasetOptions options;
  private final Path out;
  private final Progress progress;
  private final ObjectNode inputs;

  private DatasetBuilder(DatasetOptions options, Path out, Progress progress, ObjectNode inputs) {
    this.options = options;
    this.out = out;
    this.progress = progress;
    this.inputs = inputs;
  }

  /** Generates the zoo dataset described by {@code options} into {@code out}. */
  public static Summary generate(DatasetOptions options, Path out, Progress progress) throws IOException {
    List<Integer> indices = new ArrayList<>();
    for (int i = 0; i < options.programs(); i++) {
      indices.add(i);
    }
    return new DatasetBuilder(options, out, progress, null).run(indices.size(), i -> {
      Zoo.ProgramSpec p = Zoo.program(options.seed(), i);
      return new Source(p.id(), p.family(), p.module());
    });
  }

  /** Labels the given modules (pre-fusion ones go through the fusion pass) into {@code out}. */
  public static Summary label(List<Source> sources, DatasetOptions options, Path out, Progress progress) throws IOException {
    return new DatasetBuilder(options.withPrograms(Math.max(1, sources.size())), out, progress, null)
        .run(sources.size(), sources::get);
  }

  /**
   * Writes a dataset labelled with measured runtimes: one program per tuned kernel ({@link Source#measured}),
   * each of its tile runs a sample labelled {@code MEASURED} on {@code options.chip()} (a failed run is kept
   * as rejected, the compiler's default is marked), layout runs counted and skipped. Kernels are not
   * de-duplicated: every measured kernel is kept. {@code inputs} describes the files read (names and
   * hashes) and is part of the options a rerun must match.
   */
  public static Summary measured(List<Source> sources, DatasetOptions options, ObjectNode inputs, Path out,
      Progress progress) throws IOException {
    for (Source s : sources) {
      if (s.tuned().isEmpty()) {
        throw new IllegalArgumentException("program " + s.id() + " has no measured runs");
      }
    }
    return new DatasetBuilder(options.withPrograms(Math.max(1, sources.size())), out, progress, inputs)
        .run(sources.size(), sources::get);
  }

  private interface SourceAt {
    Source get(int index);
  }

  private Summary run(int count, SourceAt sources) throws IOException {
    long start = System.nanoTime();
    Files.createDirectories(out.resolve("shards"));
    checkOptions();
    try (var leftovers = Files.newDirectoryStream(out.resolve("shards"), "*.tmp")) {
      for (Path tmp : leftovers) {
        Files.delete(tmp); // left by a killed run; never a valid shard
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(options.threads());
    try {
      // 1. Fuse and fingerprint every program.
      progress.start("fusing programs", count);
      List<Future<Owned>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          Owned o = kernelsOf(sources.get(index), index);
          progress.advance(1);
          return o;
        }));
      }
      List<Owned> programs = new ArrayList<>();
      for (Future<Owned> f : futures) {
        programs.add(get(f));
      }
      // 2. De-duplicate in program order.
      Set<String> seen = new HashSet<>();
      List<Owned> owned = new ArrayList<>();
      for (Owned p : programs) {
        List<Kernel> ks = new ArrayList<>();
        List<String> fps = new ArrayList<>();
        for (int k = 0; k < p.kernels().size(); k++) {
          if (seen.add(p.fingerprints().get(k)) || p.program().tuned().isPresent()) {
            ks.add(p.kernels().get(k));
            fps.add(p.fingerprints().get(k));
          }
        }
        owned.add(new Owned(p.program(), ks, fps));
      }
      // 3. Label and write shards.
      int shardCount = (count + options.programsPerShard() - 1) / options.programsPerShard();
      long totalKernels = owned.stream().mapToLong(o -> o.kernels().size()).sum();
      progress.start("labelling kernels", totalKernels);
      List<Future<ObjectNode>> shardFutures = new ArrayList<>();
      for (int s = 0; s < shardCount; s++) {
        List<Owned> part = owned.subList(s * options.programsPerShard(), Math.min(count, (s + 1) * options.programsPerShard()));
        int shard = s;
        shardFutures.add(pool.submit(() -> shard(shard, part)));
      }
      List<ObjectNode> shards = new ArrayList<>();
      for (Future<ObjectNode> f : shardFutures) {
        shards.add(get(f));
      }
      return writeManifest(owned, shards, (System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T get(Future<T> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    }
  }

  /** Options are written once; a rerun must use the same ones (it resumes), else it is refused. */
  private void checkOptions() throws IOException {
    Path file = out.resolve("options.json");
    String mine = JSON.writeValueAsString(optionsJson());
    if (Files.exists(file)) {
      String theirs = Files.readString(file);
      if (!theirs.equals(mine)) {
        throw new IllegalArgumentException(out + " holds a dataset built with other options (" + file
            + "); use another --out, or delete it to rebuild");
      }
      return;
    }
    AtomicFiles.writeString(file, mine);
  }

  private ObjectNode optionsJson() throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("generator_version", GENERATOR_VERSION);
    if (inputs != null) {
      o.put("label_source", "measured");
      o.set("inputs", inputs);
    } else {
      o.put("label_source", "simulated");
    }
    o.put("programs", options.programs());
    o.put("configs_per_kernel", options.configsPerKernel());
    o.put("fusion_variants", options.fusionVariants());
    o.put("seed", options.seed());
    o.put("programs_per_shard", options.programsPerShard());
    o.put("held_out_family", options.heldOutFamily());
    o.set("chip", JSON.readTree(ChipFiles.toJson(options.chip())));
    if (inputs == null) {
      // The simulator's constants label the samples: a dataset labelled with other constants is another dataset.
      o.set("simulator", JSON.valueToTree(SimCalibration.of(options.chip()).toMap()));
    }
    return o;
  }

  private Owned kernelsOf(Source p, int index) {
    if (p.tuned().isPresent()) {
      Kernel k = p.tuned().get().kernel();
      return new Owned(p, List.of(k), List.of(Fingerprint.of(k)));
    }
    List<HloModule> variants = new ArrayList<>();
    boolean preFusion = p.module().computations().stream()
        .flatMap(c -> c.instructions().stream()).noneMatch(i -> i.opcode() == Opcode.FUSION);
    if (preFusion) {
      variants.add(FusionPass.run(p.module()));
      Random r = new Random(options.seed() * 31 + index);
      for (int v = 0; v < options.fusionVariants(); v++) {
        variants.add(FusionPass.random(p.module(), 0.2 + 0.75 * r.nextDouble(), r.nextLong()));
      }
    } else {
      variants.add(p.module());
    }
    Map<String, Kernel> unique = new LinkedHashMap<>();
    for (HloModule m : variants) {
      for (Kernel k : Kernels.of(m)) {
        if (isWorthLabelling(k)) {
          unique.putIfAbsent(Fingerprint.of(k), k);
        }
      }
    }
    return new Owned(p, new ArrayList<>(unique.values()), new ArrayList<>(unique.keySet()));
  }

  /** Kernels that move no data worth timing (scalars, bitcasts) are left out. */
  private static boolean isWorthLabelling(Kernel k) {
    for (Instruction n : k.nodes()) {
      if (n.opcode() != Opcode.PARAMETER && n.opcode() != Opcode.CONSTANT && n.shape().elementCount() > 1) {
        return true;
      }
    }
    return false;
  }

  private ObjectNode shard(int shard, List<Owned> programs) throws IOException {
    String name = String.format("shard-%05d.pb.gz", shard);
    Path file = out.resolve("shards").resolve(name);
    Path sidecar = out.resolve("shards").resolve(name + ".json");
    long kernels = programs.stream().mapToLong(o -> o.kernels().size()).sum();
    if (Files.exists(file) && Files.exists(sidecar)) {
      JsonNode read;
      try {
        read = JSON.readTree(sidecar.toFile());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        read = null; // a damaged note of a finished shard: the shard is made again
      }
      if (read instanceof ObjectNode done && done.path("sha256").asText().equals(sha256(file))
          && done.path("kernels").asLong() == kernels) {
        progress.advance(kernels);
        done.put("reused", true);
        return done;
      }
    }
    Simulator sim = inputs == null ? Simulator.of(options.chip()) : null;
    List<KernelRecord> records = new ArrayList<>();
    long samples = 0;
    long errors = 0;
    Map<String, Long> kinds = new TreeMap<>();
    for (Owned p : programs) {
      for (int k = 0; k < p.kernels().size(); k++) {
        KernelRecord r = p.program().tuned().isPresent()
            ? MeasuredLabels.record(p.program(), p.kernels().get(k), p.fingerprints().get(k), options.chip())
            : label(sim, p.program(), p.kernels().get(k), p.fingerprints().get(k));
        records.add(r);
        samples += r.getSamplesCount();
        errors += r.getSamplesList().stream().filter(t -> !t.getError().isEmpty()).count();
        kinds.merge(r.getFusionKind().isEmpty() ? "unfused" : r.getFusionKind(), 1L, Long::sum);
        progress.advance(1);
      }
    }
    AtomicFiles.write(file, os -> {
      try (OutputStream gz = new GZIPOutputStream(os, 1 << 16)) {
        for (KernelRecord r : records) {
          r.writeDelimitedTo(gz);
        }
      }
    });
    ObjectNode done = JSON.createObjectNode();
    done.put("file", "shards/" + name);
    done.put("sha256", sha256(file));
    done.put("kernels", kernels);
    done.put("samples", samples);
    done.put("errors", errors);
    ArrayNode ids = done.putArray("programs");
    programs.forEach(p -> ids.add(p.program().id()));
    done.set("fusion_kinds", JSON.valueToTree(kinds));
    long layout = programs.stream().flatMap(p -> p.program().tuned().stream())
        .mapToLong(t -> t.runs().stream().filter(r -> r.kind() == TuningRun.Kind.LAYOUT).count()).sum();
    done.put("layout_runs_skipped", layout);
    AtomicFiles.writeString(sidecar, JSON.writeValueAsString(done));
    done.put("reused", false);
    return done;
  }

  private KernelRecord label(Simulator sim, Source program, Kernel kernel, String fingerprint) {
    TileSpace space = TileSpace.of(kernel, options.chip());
    Random r = new Random(options.seed() ^ fingerprint.hashCode() * 0x9E3779B97F4A7C15L);
    List<TileConfig> tiles = TileSampler.sample(space, options.configsPerKernel(), r);
    KernelRecord.Builder b = KernelRecord.newBuilder()
        .setKernel(ByteString.copyFrom(HloProtoWriter.write(KernelModules.toModule(kernel))))
        .setProgramId(program.id())
        .setFamily(program.family())
        .setChip(options.chip().name())
        .setKernelName(kernel.name())
        .setFingerprint(fingerprint)
        .setFusionKind(kernel.fusionKind().map(Object::toString).orElse(""))
        .setNodeCount(kernel.nodeCount())
        .setOrigin(kernel.origin());
    for (int i = 0; i < tiles.size(); i++) {
      TileConfig t = tiles.get(i);
      TileSample.Builder s = Tiles.set(TileSample.newBuilder().setIsDefault(i == 0), t)
          .setLabelSource(LabelSource.SIMULATED).setLabelChip(options.chip().name());
      var problem = space.check(t);
      if (problem.isPresent()) {
        s.setError(problem.get());
      } else {
        var result = sim.simulate(space, t);
        s.setRuntimeNs(result.nanoseconds()).setSpilled(result.spilled());
      }
      if (i == 0) {
        b.setDefaultRuntimeNs(s.getRuntimeNs());
      }
      b.addSamples(s);
    }
    return b.build();
  }

  private Summary writeManifest(List<Owned> owned, List<ObjectNode> shards, double seconds) throws IOException {
    ObjectNode m = JSON.createObjectNode();
    m.put("format_version", 1);
    m.setAll(optionsJson());
    Splits splits = Splits.of(owned.stream().map(o -> new Splits.Program(o.program().id(), o.program().family())).toList(),
        options.seed(), options.heldOutFamily());
    long kernels = 0;
    long samples = 0;
    long errors = 0;
    long layout = 0;
    int reused = 0;
    Map<String, long[]> families = new TreeMap<>();
    Map<String, Long> kinds = new TreeMap<>();
    for (Owned o : owned) {
      long[] f = families.computeIfAbsent(o.program().family(), k -> new long[3]);
      f[0]++;
      f[1] += o.kernels().size();
    }
    ArrayNode shardList = m.putArray("shards");
    for (ObjectNode s : shards) {
      kernels += s.path("kernels").asLong();
      samples += s.path("samples").asLong();
      errors += s.path("errors").asLong();
      layout += s.path("layout_runs_skipped").asLong();
      reused += s.path("reused").asBoolean() ? 1 : 0;
      s.path("fusion_kinds").fields().forEachRemaining(e -> kinds.merge(e.getKey(), e.getValue().asLong(), Long::sum));
      ObjectNode copy = s.deepCopy();
      copy.remove("reused");
      shardList.add(copy);
    }
    m.put("total_programs", owned.size());
    m.put("kernels", kernels);
    m.put("samples", samples);
    m.put("rejected_samples", errors);
    m.put("layout_runs_skipped", layout);
    ObjectNode fam = m.putObject("families");
    families.forEach((name, f) -> fam.putObject(name).put("programs", f[0]).put("kernels", f[1]));
    m.set("fusion_kinds", JSON.valueToTree(kinds));
    m.set("splits", splits.toJson(JSON, owned.stream().collect(
        java.util.stream.Collectors.toMap(o -> o.program().id(), o -> (long) o.kernels().size()))));
    AtomicFiles.writeString(out.resolve("manifest.json"), JSON.writeValueAsString(m));
    return new Summary(owned.size(), (int) kernels, samples, errors, shards.size(), reused, seconds, layout);
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      var h = Hashing.sha256().newHasher();
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        h.putBytes(buf, 0, n);
      }
      return h.hash().toString();
    }
  }
}
