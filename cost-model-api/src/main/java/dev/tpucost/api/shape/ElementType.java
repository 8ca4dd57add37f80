package dev.tpucost.api.shape;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * XLA's {@code PrimitiveType}: every element type with its proto number, its HLO text spelling and its
 * width in bits. Numbers and spellings are XLA's ({@code xla/xla_data.proto}).
 */
public enum ElementType {
  INVALID(0, "invalid", 0),
  PRED(1, "pred", 8),
  S8(2, "s8", 8),
  S16(3, "s16", 16),
  S32(4, "s32", 32),
  S64(5, "s64", 64),
  U8(6, "u8", 8),
  U16(7, "u16", 16),
  U32(8, "u32", 32),
  U64(9, "u64", 64),
  F16(10, "f16", 16),
  F32(11, "f32", 32),
  F64(12, "f64", 64),
  TUPLE(13, "tuple", 0),
  OPAQUE(14, "opaque", 0),
  C64(15, "c64", 64),
  BF16(16, "bf16", 16),
  TOKEN(17, "token", 0),
  C128(18, "c128", 128),
  F8E5M2(19, "f8e5m2", 8),
  F8E4M3FN(20, "f8e4m3fn", 8),
  S4(21, "s4", 4),
  U4(22, "u4", 4),
  F8E4M3B11FNUZ(23, "f8e4m3b11fnuz", 8),
  F8E5M2FNUZ(24, "f8e5m2fnuz", 8),
  F8E4M3FNUZ(25, "f8e4m3fnuz", 8),
  S2(26, "s2", 2),
  U2(27, "u2", 2),
  F8E4M3(28, "f8e4m3", 8),
  F8E3M4(29, "f8e3m4", 8),
  S1(30, "s1", 1),
  U1(31, "u1", 1),
  F4E2M1FN(32, "f4e2m1fn", 4),
  F8E8M0FNU(33, "f8e8m0fnu", 8),
  BUFFER(34, "buffer", 0),
  F6E3M2FN(35, "f6e3m2fn", 6),
  F6E2M3FN(36, "f6e2m3fn", 6);

  private static final ElementType[] BY_NUMBER;
  private static final Map<String, ElementType> BY_TEXT = new HashMap<>();

  static {
    int max = 0;
    for (ElementType t : values()) {
      max = Math.max(max, t.number);
      BY_TEXT.put(t.text, t);
    }
    BY_NUMBER = new ElementType[max + 1];
    for (ElementType t : values()) {
      BY_NUMBER[t.number] = t;
    }
  }

  private final int number;
  private final String text;
  private final int bits;
  /** {@link #isFloating}, decided once (the featuriser asks it of every node). */
  private final boolean floating;

  ElementType(int number, String text, int bits) {
    this.number = number;
    this.text = text;
    this.bits = bits;
    this.floating = text.startsWith("f") || text.startsWith("bf") || text.equals("c64") || text.equals("c128");
  }

  /** XLA's proto enum number. */
  public int number() {
    return number;
  }

  /** The HLO text spelling, e.g. {@code bf16}. */
  public String text() {
    return text;
  }

  /** Width of one element in bits; 0 for tuple, token, opaque, buffer and invalid. */
  public int bits() {
    return bits;
  }

  /** True for types that hold array data (everything but tuple, token, opaque, buffer, invalid). */
  public boolean isArray() {
    return bits > 0;
  }

  /** True for floating-point types, including the f8/f6/f4 variants and complex types. */
  public boolean isFloating() {
    return floating;
  }

  /** True for c64 and c128. */
  public boolean isComplex() {
    return this == C64 || this == C128;
  }

  /** The type with XLA proto number {@code number}, if there is one. */
  public static Optional<ElementType> forNumber(int number) {
    if (number < 0 || number >= BY_NUMBER.length) {
      return Optional.empty();
    }
    return Optional.ofNullable(BY_NUMBER[number]);
  }

  /** The type spelled {@code text} in HLO text (case-insensitive), if there is one. */
  public static Optional<ElementType> forText(String text) {
    ElementType exact = BY_TEXT.get(text);
    return Optional.ofNullable(exact != null ? exact : BY_TEXT.get(text.toLowerCase(Locale.ROOT)));
  }
}
