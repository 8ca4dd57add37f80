package dev.tpucost.hlo.text;

import dev.tpucost.api.hlo.ConvolutionDimensionNumbers;
import dev.tpucost.api.hlo.PaddingDimension;
import dev.tpucost.api.hlo.SliceDimension;
import dev.tpucost.api.hlo.Window;
import dev.tpucost.api.hlo.WindowDimension;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HLO text forms of the structured attributes, parsed and printed: {@code window={size=3x3 stride=2x2
 * pad=1_1x1_1 lhs_dilate=.. rhs_dilate=.. rhs_reversal=..}}, {@code dim_labels=b01f_01io->b01f},
 * {@code slice={[0:8:2], [0:10]}} and {@code padding=0_0x3_3_1}. Parse errors are
 * {@link IllegalArgumentException}s with what was wrong.
 */
final class TextAttributes {
  private static final Pattern DIM_LABELS = Pattern.compile("([0-9bf?]+)_([0-9io?]+)->([0-9bf?]+)");
  private static final Pattern SLICE = Pattern.compile("\\[\\s*(-?\\d+)\\s*:\\s*(-?\\d+)\\s*(?::\\s*(-?\\d+)\\s*)?\\]");

  private TextAttributes() {}

  static Window parseWindow(String value) {
    String v = value.trim();
    if (!v.startsWith("{") || !v.endsWith("}")) {
      throw new IllegalArgumentException("a window is written {size=.. stride=.. pad=..}");
    }
    String[] items = v.substring(1, v.length() - 1).trim().split("\\s+");
    long[] size = null;
    long[] stride = null;
    long[][] pad = null;
    long[] lhs = null;
    long[] rhs = null;
    long[] reversal = null;
    for (String item : items) {
      if (item.isEmpty()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("window item '" + item + "' has no '='");
      }
      String key = item.substring(0, eq);
      String val = item.substring(eq + 1);
      switch (key) {
        case "size" -> size = xs(val);
        case "stride" -> stride = xs(val);
        case "pad" -> pad = pairs(val);
        case "lhs_dilate" -> lhs = xs(val);
        case "rhs_dilate" -> rhs = xs(val);
        case "rhs_reversal" -> reversal = xs(val);
        default -> throw new IllegalArgumentException("unknown window item '" + key + "'");
      }
    }
    if (size == null) {
      return new Window(List.of());
    }
    int n = size.length;
    check(stride, n, "stride");
    check(lhs, n, "lhs_dilate");
    check(rhs, n, "rhs_dilate");
    check(reversal, n, "rhs_reversal");
    if (pad != null && pad.length != n) {
      throw new IllegalArgumentException("pad has " + pad.length + " dimensions, size has " + n);
    }
    List<WindowDimension> dims = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      dims.add(new WindowDimension(size[i], stride == null ? 1 : stride[i], pad == null ? 0 : pad[i][0],
          pad == null ? 0 : pad[i][1], rhs == null ? 1 : rhs[i], lhs == null ? 1 : lhs[i],
          reversal != null && reversal[i] != 0));
    }
    return new Window(dims);
  }

  static String printWindow(Window w) {
    if (w.rank() == 0) {
      return "{}";
    }
    StringBuilder sb = new StringBuilder("{size=");
    join(sb, w, d -> Long.toString(d.size()));
    if (w.dimensions().stream().anyMatch(d -> d.stride() != 1)) {
      join(sb.append(" stride="), w, d -> Long.toString(d.stride()));
    }
    if (w.dimensions().stream().anyMatch(d -> d.paddingLow() != 0 || d.paddingHigh() != 0)) {
      join(sb.append(" pad="), w, d -> d.paddingLow() + "_" + d.paddingHigh());
    }
    if (w.dimensions().stream().anyMatch(d -> d.baseDilation() != 1)) {
      join(sb.append(" lhs_dilate="), w, d -> Long.toString(d.baseDilation()));
    }
    if (w.dimensions().stream().anyMatch(d -> d.windowDilation() != 1)) {
      join(sb.append(" rhs_dilate="), w, d -> Long.toString(d.windowDilation()));
    }
    if (w.dimensions().stream().anyMatch(WindowDimension::reversal)) {
      join(sb.append(" rhs_reversal="), w, d -> d.reversal() ? "1" : "0");
    }
    return sb.append('}').toString();
  }

  private static void join(StringBuilder sb, Window w, java.util.function.Function<WindowDimension, String> f) {
    for (int i = 0; i < w.rank(); i++) {
      if (i > 0) {
        sb.append('x');
      }
      sb.append(f.apply(w.dim(i)));
    }
  }

  static ConvolutionDimensionNumbers parseDimLabels(String value) {
    Matcher m = DIM_LABELS.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("dim_labels look like b01f_01io->b01f");
    }
    String in = m.group(1);
    String k = m.group(2);
    String out = m.group(3);
    int spatial = in.length() - 2;
    if (spatial < 0 || k.length() != spatial + 2 || out.length() != spatial + 2) {
      throw new IllegalArgumentException("dim_labels " + value + " do not have the same spatial rank on every side");
    }
    long[] inSpatial = new long[spatial];
    long[] kSpatial = new long[spatial];
    long[] outSpatial = new long[spatial];
    long inBatch = find(in, 'b', value);
    long inFeature = find(in, 'f', value);
    long kIn = find(k, 'i', value);
    long kOut = find(k, 'o', value);
    long outBatch = find(out, 'b', value);
    long outFeature = find(out, 'f', value);
    for (int s = 0; s < spatial; s++) {
      char digit = (char) ('0' + s);
      inSpatial[s] = find(in, digit, value);
      kSpatial[s] = find(k, digit, value);
      outSpatial[s] = find(out, digit, value);
    }
    return new ConvolutionDimensionNumbers(inBatch, inFeature, boxed(inSpatial), kIn, kOut, boxed(kSpatial),
        outBatch, outFeature, boxed(outSpatial));
  }

  /** The dim_labels text, or null if the numbers cannot be written that way (more than 10 spatial dims). */
  static String printDimLabels(ConvolutionDimensionNumbers d) {
    int spatial = d.spatialRank();
    if (spatial > 10) {
      return null;
    }
    char[] in = new char[spatial + 2];
    char[] k = new char[spatial + 2];
    char[] out = new char[spatial + 2];
    if (!place(in, d.inputBatch(), 'b') || !place(in, d.inputFeature(), 'f')
        || !place(k, d.kernelInputFeature(), 'i') || !place(k, d.kernelOutputFeature(), 'o')
        || !place(out, d.outputBatch(), 'b') || !place(out, d.outputFeature(), 'f')) {
      return null;
    }
    for (int s = 0; s < spatial; s++) {
      char digit = (char) ('0' + s);
      if (!place(in, d.inputSpatial().get(s), digit) || !place(k, d.kernelSpatial().get(s), digit)
          || !place(out, d.outputSpatial().get(s), digit)) {
        return null;
      }
    }
    return new String(in) + "_" + new String(k) + "->" + new String(out);
  }

  private static boolean place(char[] labels, long at, char c) {
    if (at < 0 || at >= labels.length || labels[(int) at] != 0) {
      return false;
    }
    labels[(int) at] = c;
    return true;
  }

  private static long find(String labels, char c, String value) {
    int i = labels.indexOf(c);
    if (i < 0 || labels.indexOf(c, i + 1) >= 0) {
      throw new IllegalArgumentException("dim_labels " + value + " must name '" + c + "' exactly once on each side");
    }
    return i;
  }

  static List<SliceDimension> parseSlice(String value) {
    List<SliceDimension> out = new ArrayList<>();
    Matcher m = SLICE.matcher(value);
    int consumed = 0;
    while (m.find()) {
      out.add(new SliceDimension(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
          m.group(3) == null ? 1 : Long.parseLong(m.group(3))));
      consumed++;
    }
    if (consumed == 0 && !value.replaceAll("[{}\\s]", "").isEmpty()) {
      throw new IllegalArgumentException("a slice is written {[start:limit:stride], ...}");
    }
    return out;
  }

  static String printSlice(List<SliceDimension> slice) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < slice.size(); i++) {
      SliceDimension s = slice.get(i);
      if (i > 0) {
        sb.append(", ");
      }
      sb.append('[').append(s.start()).append(':').append(s.limit());
      if (s.stride() != 1) {
        sb.append(':').append(s.stride());
      }
      sb.append(']');
    }
    return sb.append('}').toString();
  }

  static List<PaddingDimension> parsePadding(String value) {
    List<PaddingDimension> out = new ArrayList<>();
    for (String dim : value.trim().split("x")) {
      long[] parts = ints(dim, "_");
      if (parts.length < 2 || parts.length > 3) {
        throw new IllegalArgumentException("padding dimension '" + dim + "' is not low_high or low_high_interior");
      }
      out.add(new PaddingDimension(parts[0], parts[1], parts.length == 3 ? parts[2] : 0));
    }
    return out;
  }

  static String printPadding(List<PaddingDimension> padding) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < padding.size(); i++) {
      PaddingDimension p = padding.get(i);
      if (i > 0) {
        sb.append('x');
      }
      sb.append(p.low()).append('_').append(p.high());
      if (p.interior() != 0) {
        sb.append('_').append(p.interior());
      }
    }
    return sb.toString();
  }

  private static long[] xs(String v) {
    return ints(v, "x");
  }

  private static long[][] pairs(String v) {
    String[] dims = v.split("x");
    long[][] out = new long[dims.length][];
    for (int i = 0; i < dims.length; i++) {
      out[i] = ints(dims[i], "_");
      if (out[i].length != 2) {
        throw new IllegalArgumentException("pad entry '" + dims[i] + "' is not low_high");
      }
    }
    return out;
  }

  private static long[] ints(String v, String separator) {
    // A leading '-' belongs to the number, so split only on separators between digits.
    String[] parts = v.split("(?<=\\d)" + Pattern.quote(separator));
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Long.parseLong(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + parts[i] + "' is not a whole number");
      }
    }
    return out;
  }

  private static void check(long[] values, int n, String what) {
    if (values != null && values.length != n) {
      throw new IllegalArgumentException(what + " has " + values.length + " dimensions, size has " + n);
    }
  }

  private static List<Long> boxed(long[] v) {
    List<Long> out = new ArrayList<>(v.length);
    for (long x : v) {
      out.add(x);
    }
    return out;
  }
}
