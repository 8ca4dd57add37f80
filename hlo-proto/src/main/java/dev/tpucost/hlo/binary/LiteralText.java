package dev.tpucost.hlo.binary;

import com.google.protobuf.ByteString;
import dev.tpucost.api.shape.ElementType;
import dev.tpucost.api.shape.Shape;
import dev.tpucost.hlo.wire.LiteralProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts constant values between {@code LiteralProto} and the text inside {@code constant(...)}: a
 * scalar prints as its value, an array as nested braces in row-major order. Types without a text form
 * here (complex, f8, sub-byte), tuples and arrays of more than {@value #MAX_ELEMENTS} elements print as
 * {@code {...}}, XLA's own spelling for an elided value; their value does not affect cost.
 */
public final class LiteralText {
  /** Largest constant whose value is kept as text. */
  public static final int MAX_ELEMENTS = 4096;

  /** XLA's spelling of an elided constant value. */
  public static final String ELIDED = "{...}";

  private LiteralText() {}

  /** The text form of {@code literal}, whose array shape is {@code shape}. */
  public static String toText(LiteralProto literal, Shape shape) {
    if (!shape.isArray() || shape.elementCount() > MAX_ELEMENTS || shape.hasDynamicDimensions()) {
      return ELIDED;
    }
    int n = (int) shape.elementCount();
    List<String> values = values(literal, shape.elementType(), n);
    if (values == null || values.size() != n) {
      return ELIDED;
    }
    if (shape.rank() == 0) {
      return values.get(0);
    }
    StringBuilder sb = new StringBuilder();
    nest(sb, values, shape.dims(), 0, 0);
    return sb.toString();
  }

  private static int nest(StringBuilder sb, List<String> values, long[] dims, int d, int at) {
    sb.append('{');
    for (long i = 0; i < dims[d]; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      if (d == dims.length - 1) {
        sb.append(values.get(at++));
      } else {
        at = nest(sb, values, dims, d + 1, at);
      }
    }
    sb.append('}');
    return at;
  }

  private static List<String> values(LiteralProto l, ElementType t, int n) {
    List<String> out = new ArrayList<>(n);
    switch (t) {
      case PRED -> l.getPredsList().forEach(b -> out.add(b ? "true" : "false"));
      case S8 -> l.getS8S().forEach(b -> out.add(Byte.toString(b)));
      case U8 -> l.getU8S().forEach(b -> out.add(Integer.toString(b & 0xff)));
      case S16 -> shorts(l.getS16S()).forEach(s -> out.add(Short.toString(s)));
      case U16 -> shorts(l.getU16S()).forEach(s -> out.add(Integer.toString(s & 0xffff)));
      case S32 -> l.getS32SList().forEach(v -> out.add(Integer.toString(v)));
      case S64 -> l.getS64SList().forEach(v -> out.add(Long.toString(v)));
      case U32 -> l.getU32SList().forEach(v -> out.add(Integer.toUnsignedString(v)));
      case U64 -> l.getU64SList().forEach(v -> out.add(Long.toUnsignedString(v)));
      case F32 -> l.getF32SList().forEach(v -> out.add(floatText(v)));
      case F64 -> l.getF64SList().forEach(v -> out.add(doubleText(v)));
      case BF16 -> shorts(l.getBf16S()).forEach(s -> out.add(floatText(Float.intBitsToFloat((s & 0xffff) << 16))));
      case F16 -> shorts(l.getF16S()).forEach(s -> out.add(floatText(halfToFloat(s))));
      default -> {
        return null;
      }
    }
    return out;
  }

  /**
   * A {@code LiteralProto} of {@code shape} holding the values in {@code text}; the value is left out
   * (shape only) when the text is elided or not a list of {@code shape}'s element count.
   */
  public static LiteralProto fromText(String text, Shape shape, dev.tpucost.hlo.wire.ShapeProto shapeProto) {
    LiteralProto.Builder b = LiteralProto.newBuilder().setShape(shapeProto);
    if (text == null || text.contains("...") || !shape.isArray() || shape.elementCount() > MAX_ELEMENTS) {
      return b.build();
    }
    List<String> tokens = new ArrayList<>();
    for (String tok : text.split("[\\s{},()]+")) {
      if (!tok.isEmpty() && tok.indexOf('[') < 0 && tok.indexOf(']') < 0) {
        tokens.add(tok);
      }
    }
    if (tokens.size() != shape.elementCount()) {
      return b.build();
    }
    try {
      fill(b, shape.elementType(), tokens);
    } catch (NumberFormatException e) {
      return LiteralProto.newBuilder().setShape(shapeProto).build();
    }
    return b.build();
  }

  private static void fill(LiteralProto.Builder b, ElementType t, List<String> tokens) {
    int n = tokens.size();
    switch (t) {
      case PRED -> tokens.forEach(s -> b.addPreds(s.equals("true") || s.equals("1")));
      case S8, U8 -> {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
          bytes[i] = (byte) Long.parseLong(tokens.get(i));
        }
        if (t == ElementType.S8) {
          b.setS8S(ByteString.copyFrom(bytes));
        } else {
          b.setU8S(ByteString.copyFrom(bytes));
        }
      }
      case S16, U16, BF16, F16 -> {
        ByteBuffer buf = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (String s : tokens) {
          short v = switch (t) {
            case BF16 -> floatToBf16((float) parseFloating(s));
            case F16 -> floatToHalf((float) parseFloating(s));
            default -> (short) Long.parseLong(s);
          };
          buf.putShort(v);
        }
        ByteString bytes = ByteString.copyFrom(buf.array());
        switch (t) {
          case S16 -> b.setS16S(bytes);
          case U16 -> b.setU16S(bytes);
          case BF16 -> b.setBf16S(bytes);
          default -> b.setF16S(bytes);
        }
      }
      case S32 -> tokens.forEach(s -> b.addS32S(Integer.parseInt(s)));
      case S64 -> tokens.forEach(s -> b.addS64S(Long.parseLong(s)));
      case U32 -> tokens.forEach(s -> b.addU32S(Integer.parseUnsignedInt(s)));
      case U64 -> tokens.forEach(s -> b.addU64S(Long.parseUnsignedLong(s)));
      case F32 -> tokens.forEach(s -> b.addF32S((float) parseFloating(s)));
      case F64 -> tokens.forEach(s -> b.addF64S(parseFloating(s)));
      default -> {
        // No text form for this type: shape only.
      }
    }
  }

  private static List<Short> shorts(ByteString bytes) {
    ByteBuffer buf = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    List<Short> out = new ArrayList<>(bytes.size() / 2);
    while (buf.remaining() >= 2) {
      out.add(buf.getShort());
    }
    return out;
  }

  static String floatText(float v) {
    if (Float.isNaN(v)) {
      return "nan";
    }
    if (Float.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e7f && !(v == 0 && 1 / v < 0)) {
      return Long.toString((long) v);
    }
    return Float.toString(v);
  }

  static String doubleText(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15 && !(v == 0 && 1 / v < 0)) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  static double parseFloating(String s) {
    return switch (s) {
      case "inf", "+inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      case "nan", "-nan", "+nan" -> Double.NaN;
      case "true" -> 1;
      case "false" -> 0;
      default -> Double.parseDouble(s);
    };
  }

  /**
   * The text a scalar of {@code type} holding {@code text}'s value reads back as: floating values are
   * rounded to the type (so {@code 0.001} in bf16 becomes {@code 9.994507E-4}), integers and preds are
   * kept. Writers of constants use it so that a module survives a protobuf round trip unchanged.
   */
  public static String canonical(String text, ElementType type) {
    try {
      double v = parseFloating(text.trim());
      return switch (type) {
        case F32 -> floatText((float) v);
        case F64 -> doubleText(v);
        case BF16 -> floatText(Float.intBitsToFloat((floatToBf16((float) v) & 0xffff) << 16));
        case F16 -> floatText(halfToFloat(floatToHalf((float) v)));
        default -> text.trim();
      };
    } catch (NumberFormatException e) {
      return text.trim();
    }
  }

  /** Float to bfloat16 bits, rounding to nearest even. */
  static short floatToBf16(float f) {
    if (Float.isNaN(f)) {
      return (short) 0x7fc0;
    }
    int bits = Float.floatToRawIntBits(f);
    int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }

  /** IEEE 754 binary16 to float. */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      float f = mant / 1024f * (float) Math.pow(2, -14);
      return sign != 0 ? -f : f;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** Float to IEEE 754 binary16, rounding to nearest even. */
  static short floatToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    if (Float.isNaN(f)) {
      return (short) (sign | 0x7e00);
    }
    float abs = Math.abs(f);
    if (abs >= 65520f) {
      return (short) (sign | 0x7c00);
    }
    if (abs < 6.1035156e-5f) {
      // Subnormal half: value / 2^-24, rounded to nearest even.
      int m = (int) Math.rint(abs / 5.9604645e-8f);
      return (short) (sign | m);
    }
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = bits & 0x7fffff;
    int half = (exp << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++;
    }
    return (short) (sign | half);
  }
}
