package dev.tpucost.api.shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads shapes and layouts in HLO text form, starting at a position in a larger text so that other
 * parsers (the HLO text parser) can use it mid-line. Between tokens it skips white space and
 * {@code /*..*}{@code /} comments.
 *
 * <pre>
 * shape  ::= '(' [shape (',' shape)*] ')' | type '[' [dim (',' dim)*] ']' ['{' layout '}']
 * dim    ::= int | '&lt;=' int | '?'
 * layout ::= [int (',' int)*] [':' item*]
 * item   ::= 'D(' lvl,.. ')' | 'T' ('(' (int|'*'),.. ')')+ | 'L(' int ')' | '#(' type ')' | '*(' type ')'
 *          | 'E(' int ')' | 'S(' int ')' | 'SC(' int ':' int,.. ')' | 'P(' shape ')' | 'M(' int ')'
 * </pre>
 *
 * <p>Errors are {@link ShapeSyntaxException}s carrying the offset; never any other exception.
 */
public final class ShapeParser {
  private final CharSequence text;
  private int pos;

  /** A parser over {@code text} starting at offset {@code start}. */
  public ShapeParser(CharSequence text, int start) {
    this.text = text;
    this.pos = start;
  }

  /** Parses a whole string as one shape (nothing but white space may follow). */
  public static Shape parseShape(String text) {
    ShapeParser p = new ShapeParser(text, 0);
    Shape s = p.shape();
    p.expectEnd();
    return s;
  }

  /** Parses a whole string as one braced layout, e.g. {@code {1,0:T(8,128)(2,1)}}. */
  public static Layout parseLayout(String text) {
    ShapeParser p = new ShapeParser(text, 0);
    p.skipSpace();
    p.expect('{');
    Layout l = p.layoutBody(-1);
    p.expect('}');
    p.expectEnd();
    return l;
  }

  /** The current offset (after the last thing parsed). */
  public int position() {
    return pos;
  }

  /** Parses one shape at the current position. */
  public Shape shape() {
    skipSpace();
    if (peek() == '(') {
      pos++;
      List<Shape> elements = new ArrayList<>();
      skipSpace();
      if (peek() == ')') {
        pos++;
        return Shape.tuple(elements);
      }
      while (true) {
        elements.add(shape());
        skipSpace();
        char c = peek();
        if (c == ',') {
          pos++;
        } else if (c == ')') {
          pos++;
          return Shape.tuple(elements);
        } else {
          throw error("',' or ')' in tuple shape");
        }
      }
    }
    int typeStart = pos;
    ElementType type = elementType();
    skipSpace();
    expect('[');
    List<Long> dims = new ArrayList<>();
    List<Boolean> dynamic = new ArrayList<>();
    skipSpace();
    if (peek() != ']') {
      while (true) {
        skipSpace();
        if (peek() == '?') {
          pos++;
          dims.add(Shape.UNBOUNDED);
          dynamic.add(true);
        } else if (peek() == '<' && peekAt(1) == '=') {
          pos += 2;
          dims.add(nonNegative("dimension bound"));
          dynamic.add(true);
        } else {
          dims.add(nonNegative("dimension size"));
          dynamic.add(false);
        }
        if (!comma()) {
          break;
        }
      }
    }
    expect(']');
    long[] d = new long[dims.size()];
    boolean[] dyn = new boolean[dims.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = dims.get(i);
      dyn[i] = dynamic.get(i);
    }
    if (!type.isArray() && d.length > 0) {
      throw new ShapeSyntaxException(typeStart, "no dimensions for " + type.text(), d.length + " dimensions");
    }
    Layout layout = null;
    int save = pos;
    skipSpace();
    if (peek() == '{' && looksLikeLayout()) {
      pos++;
      layout = layoutBody(d.length);
      expect('}');
    } else {
      pos = save;
    }
    return Shape.array(type, d, dyn, layout);
  }

  /** True if the '{' at the current position opens a layout (digits, ':' or '}' follow), not a block. */
  private boolean looksLikeLayout() {
    int p = pos + 1;
    while (p < text.length() && Character.isWhitespace(text.charAt(p))) {
      p++;
    }
    if (p >= text.length()) {
      return false;
    }
    char c = text.charAt(p);
    return c == ':' || c == '}' || Character.isDigit(c);
  }

  /**
   * Parses a layout body (between the braces) at the current position. {@code rank} is the shape's
   * rank, or -1 if unknown.
   */
  public Layout layoutBody(int rank) {
    int start = pos;
    List<Integer> m2m = new ArrayList<>();
    skipSpace();
    if (Character.isDigit(peek())) {
      while (true) {
        long v = nonNegative("dimension number");
        if (v > Integer.MAX_VALUE) {
          throw new ShapeSyntaxException(start, "a dimension number", Long.toString(v));
        }
        m2m.add((int) v);
        skipSpace();
        if (peek() == ',') {
          pos++;
          skipSpace();
        } else {
          break;
        }
      }
    }
    int[] order = m2m.stream().mapToInt(Integer::intValue).toArray();
    if (rank >= 0 && order.length != rank && !(order.length == 0 && rank == 0)) {
      throw new ShapeSyntaxException(start, "a minor_to_major list of " + rank + " dimensions", order.length + " entries");
    }
    Layout.Builder b;
    try {
      b = Layout.builder(order);
    } catch (IllegalArgumentException e) {
      throw new ShapeSyntaxException(start, "a permutation in minor_to_major", e.getMessage());
    }
    skipSpace();
    if (peek() != ':') {
      return b.build();
    }
    pos++;
    while (true) {
      skipSpace();
      char c = peek();
      if (c == '}' || c == ')' || c == 0) {
        break;
      }
      if (c == 'T') {
        pos++;
        if (peek() != '(') {
          throw error("'(' after T");
        }
        while (peek() == '(') {
          b.addTile(tile());
        }
      } else if (c == 'D' && peekAt(1) == '(') {
        pos += 2;
        while (true) {
          skipSpace();
          int s = pos;
          while (Character.isLetter(peek()) || peek() == '+' || peek() == '~') {
            pos++;
          }
          if (s == pos) {
            throw error("a dimension level type (D, C, S, ...)");
          }
          b.addDimLevelType(text.subSequence(s, pos).toString());
          if (!comma()) {
            break;
          }
        }
        expect(')');
      } else if (c == 'L' && peekAt(1) == '(') {
        pos += 2;
        long v = nonNegative("tail padding alignment");
        if (v < 1) {
          throw error("a tail padding alignment >= 1");
        }
        b.tailPaddingAlignment(v);
        expect(')');
      } else if (c == '#' && peekAt(1) == '(') {
        pos += 2;
        skipSpace();
        b.indexType(elementType());
        expect(')');
      } else if (c == '*' && peekAt(1) == '(') {
        pos += 2;
        skipSpace();
        b.pointerType(elementType());
        expect(')');
      } else if (c == 'E' && peekAt(1) == '(') {
        pos += 2;
        b.elementSizeInBits(nonNegative("element size in bits"));
        expect(')');
      } else if (c == 'S' && peekAt(1) == 'C' && peekAt(2) == '(') {
        pos += 3;
        long dim = nonNegative("split dimension");
        expect(':');
        List<Long> idx = new ArrayList<>();
        while (true) {
          idx.add(nonNegative("split index"));
          if (!comma()) {
            break;
          }
        }
        expect(')');
        b.addSplitConfig(new Layout.SplitConfig(dim, idx));
      } else if (c == 'S' && peekAt(1) == '(') {
        pos += 2;
        b.memorySpace(nonNegative("memory space"));
        expect(')');
      } else if (c == 'P' && peekAt(1) == '(') {
        pos += 2;
        b.physicalShape(shape());
        expect(')');
      } else if (c == 'M' && peekAt(1) == '(') {
        pos += 2;
        b.dynamicShapeMetadataPrefixBytes(nonNegative("metadata prefix bytes"));
        expect(')');
      } else {
        throw error("a layout attribute (T, D, L, #, *, E, S, SC, P, M) or '}'");
      }
    }
    return b.build();
  }

  private Tile tile() {
    int start = pos;
    expect('(');
    List<Long> dims = new ArrayList<>();
    while (true) {
      skipSpace();
      if (peek() == '*') {
        pos++;
        dims.add(Tile.COMBINE);
      } else {
        long v = nonNegative("tile dimension");
        if (v == 0) {
          throw new ShapeSyntaxException(start, "positive tile dimensions", "0");
        }
        dims.add(v);
      }
      if (!comma()) {
        break;
      }
    }
    expect(')');
    return Tile.of(dims.stream().mapToLong(Long::longValue).toArray());
  }

  private ElementType elementType() {
    int s = pos;
    while (Character.isLetterOrDigit(peek())) {
      pos++;
    }
    if (s == pos) {
      throw error("an element type (f32, bf16, s32, pred, ...) or '('");
    }
    String word = text.subSequence(s, pos).toString();
    return ElementType.forText(word)
        .filter(t -> t != ElementType.INVALID && t != ElementType.TUPLE)
        .orElseThrow(() -> new ShapeSyntaxException(s, "an element type (f32, bf16, s32, pred, ...)", "'" + word + "'"));
  }

  private long nonNegative(String what) {
    skipSpace();
    int s = pos;
    long v = 0;
    while (Character.isDigit(peek())) {
      int digit = peek() - '0';
      if (v > (Long.MAX_VALUE - digit) / 10) {
        throw new ShapeSyntaxException(s, what + " that fits in 64 bits", "a longer number");
      }
      v = v * 10 + digit;
      pos++;
    }
    if (s == pos) {
      throw error(what);
    }
    return v;
  }

  /** Consumes a ',' (after optional white space) and says whether there was one. */
  private boolean comma() {
    skipSpace();
    if (peek() == ',') {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    skipSpace();
    if (peek() != c) {
      throw error("'" + c + "'");
    }
    pos++;
  }

  private void expectEnd() {
    skipSpace();
    if (pos < text.length()) {
      throw error("end of text");
    }
  }

  /** Skips white space and {@code /*..*}{@code /} comments. */
  public void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '/' && peekAt(1) == '*') {
        int end = indexOf("*/", pos + 2);
        if (end < 0) {
          throw new ShapeSyntaxException(pos, "'*/' closing the comment", "end of text");
        }
        pos = end + 2;
      } else {
        return;
      }
    }
  }

  private int indexOf(String s, int from) {
    outer:
    for (int i = from; i <= text.length() - s.length(); i++) {
      for (int j = 0; j < s.length(); j++) {
        if (text.charAt(i + j) != s.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : 0;
  }

  private char peekAt(int ahead) {
    int p = pos + ahead;
    return p < text.length() ? text.charAt(p) : 0;
  }

  private ShapeSyntaxException error(String expected) {
    String found;
    if (pos >= text.length()) {
      found = "end of text";
    } else {
      int end = Math.min(text.length(), pos + 12);
      found = "'" + text.subSequence(pos, end) + (end < text.length() ? "...'" : "'");
    }
    return new ShapeSyntaxException(pos, expected, found);
  }
}
