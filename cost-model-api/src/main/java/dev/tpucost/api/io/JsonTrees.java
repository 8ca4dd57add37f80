package dev.tpucost.api.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON text to a Jackson tree with jackson-core's streaming parser, without an {@code ObjectMapper}: the
 * first {@code ObjectMapper} of a JVM costs 150-180 ms of class loading, which a compiler that creates a
 * model and predicts once at start-up should not pay for reading a few small files (chip files, constants,
 * model headers, {@code backend_config}). The tree is the one {@code ObjectMapper.readTree} builds (ints,
 * longs and big integers as such, other numbers as doubles, the last of duplicate keys); writing JSON still
 * goes through an {@code ObjectMapper}, created when first needed. Thread-safe.
 */
public final class JsonTrees {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonTrees() {}

  /**
   * The tree of {@code text}; null if it holds no value.
   *
   * @throws com.fasterxml.jackson.core.JsonProcessingException if it is not JSON
   */
  public static JsonNode parse(String text) throws JsonProcessingException {
    try (JsonParser p = FACTORY.createParser(text)) {
      return read(p);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory input: cannot happen
    }
  }

  /**
   * A parse error in one line: Jackson's message without its source excerpt or the location notes it embeds
   * ({@code (start marker at [Source: ...; line: 1, column: 1])}), and where ({@code at line L, column C}).
   */
  public static String describe(JsonProcessingException e) {
    var at = e.getLocation();
    String message = e.getOriginalMessage() == null ? "invalid JSON"
        : e.getOriginalMessage().lines().findFirst().orElse("invalid JSON");
    message = SOURCE_NOTE.matcher(message).replaceAll("").strip();
    return (message.isEmpty() ? "invalid JSON" : message)
        + (at != null && at.getLineNr() > 0 ? " at line " + at.getLineNr() + ", column " + at.getColumnNr() : "");
  }

  /** A parenthesised note in a Jackson message that quotes a {@code [Source: ...]} location. */
  private static final java.util.regex.Pattern SOURCE_NOTE =
      java.util.regex.Pattern.compile("\\s*\\([^()]*\\[Source:[^\\]]*\\][^()]*\\)");

  /** Like {@link #parse(String)} for UTF-8 bytes. */
  public static JsonNode parse(byte[] utf8) throws JsonProcessingException {
    try (JsonParser p = FACTORY.createParser(utf8)) {
      return read(p);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    return t == null ? null : value(p, t);
  }

  private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String name = p.currentName();
          o.set(name, value(p, p.nextToken()));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
          a.add(value(p, v));
        }
        return a;
      }
      case VALUE_STRING -> {
        return NODES.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (p.getNumberType()) {
          case INT -> NODES.numberNode(p.getIntValue());
          case LONG -> NODES.numberNode(p.getLongValue());
          default -> NODES.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(p.getDoubleValue());
      }
      case VALUE_TRUE -> {
        return NODES.booleanNode(true);
      }
      case VALUE_FALSE -> {
        return NODES.booleanNode(false);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + t);
    }
  }
}
