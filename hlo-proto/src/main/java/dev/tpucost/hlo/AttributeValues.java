package dev.tpucost.hlo;

import java.util.ArrayList;
import java.util.List;

/**
 * Text forms of HLO attribute values shared by the text parser, the printer and the protobuf reader and
 * writer, so that an attribute read from either format is kept under the same name with the same
 * spelling: integer lists {@code {1,2,3}}, nested lists {@code {{0,1},{2,3}}}, quoted strings.
 * Parse errors are {@link IllegalArgumentException}s that callers turn into {@link HloParseException}s.
 */
public final class AttributeValues {
  private AttributeValues() {}

  /** {@code {1,2,3}}. */
  public static String list(long[] values) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(values[i]);
    }
    return sb.append('}').toString();
  }

  /** {@code {{0,1},{2,3}}}. */
  public static String nested(long[][] values) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(list(values[i]));
    }
    return sb.append('}').toString();
  }

  /** Parses {@code {1, 2, 3}} (braces optional, white space allowed, {@code {}} is empty). */
  public static long[] parseList(String text) {
    String t = text.trim();
    if (t.startsWith("{")) {
      if (!t.endsWith("}")) {
        throw new IllegalArgumentException("expected '}' closing the list " + text);
      }
      t = t.substring(1, t.length() - 1).trim();
    }
    if (t.isEmpty()) {
      return new long[0];
    }
    String[] parts = t.split(",");
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Long.parseLong(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected a whole number, found '" + parts[i].trim() + "' in " + text);
      }
    }
    return out;
  }

  /** Parses {@code {{0,1},{2,3}}}. */
  public static long[][] parseNested(String text) {
    String t = text.trim();
    if (!t.startsWith("{") || !t.endsWith("}")) {
      throw new IllegalArgumentException("expected a braced list of lists, found " + text);
    }
    t = t.substring(1, t.length() - 1).trim();
    List<long[]> out = new ArrayList<>();
    int i = 0;
    while (i < t.length()) {
      char c = t.charAt(i);
      if (c == '{') {
        int end = t.indexOf('}', i);
        if (end < 0) {
          throw new IllegalArgumentException("expected '}' in " + text);
        }
        out.add(parseList(t.substring(i, end + 1)));
        i = end + 1;
      } else if (c == ',' || Character.isWhitespace(c)) {
        i++;
      } else {
        throw new IllegalArgumentException("expected '{' in " + text + " at '" + c + "'");
      }
    }
    return out.toArray(new long[0][]);
  }

  /** A double-quoted string with {@code \"}, {@code \\}, {@code \n}, {@code \t} escaped. */
  public static String quote(String s) {
    boolean plain = true;
    for (int i = 0; i < s.length() && plain; i++) {
      char c = s.charAt(i);
      plain = c != '"' && c != '\\' && c != '\n' && c != '\t' && c != '\r';
    }
    if (plain) {
      return "\"" + s + "\"";
    }
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /** The content of a double-quoted string (escapes resolved); text without quotes is returned as is. */
  public static String unquote(String text) {
    String t = text.trim();
    if (t.length() < 2 || t.charAt(0) != '"' || t.charAt(t.length() - 1) != '"') {
      return t;
    }
    StringBuilder sb = new StringBuilder(t.length());
    for (int i = 1; i < t.length() - 1; i++) {
      char c = t.charAt(i);
      if (c == '\\' && i + 1 < t.length() - 1) {
        char n = t.charAt(++i);
        switch (n) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          default -> sb.append(n);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
