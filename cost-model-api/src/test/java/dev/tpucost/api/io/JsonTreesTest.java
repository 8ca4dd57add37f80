package dev.tpucost.api.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTreesTest {
  @Test
  void buildsTheTreeObjectMapperBuilds() throws Exception {
    String json = "{\"a\": 1, \"b\": 12345678901, \"c\": 123456789012345678901234567890, \"d\": 0.25, \"e\": -1e-7,"
        + " \"f\": [true, false, null, \"x\", {\"g\": []}], \"a\": 2, \"h\": {}}";
    ObjectMapper m = new ObjectMapper();
    assertThat(JsonTrees.parse(json)).isEqualTo(m.readTree(json));
    assertThat(JsonTrees.parse(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(m.readTree(json));
    assertThat(JsonTrees.parse("[1, 2.5]")).isEqualTo(m.readTree("[1, 2.5]"));
    assertThat(JsonTrees.parse("")).isNull();
    assertThat(JsonTrees.parse(json).get("a").asInt()).isEqualTo(2); // the last of duplicate keys, as readTree
  }

  @Test
  void aParseErrorIsDescribedInOneLineWithoutJacksonsSourceNotes() {
    for (String bad : new String[] {"{\"a\": 1", "{\"a\": }", "[1,\n 2", "{\"a\":\n  [1, 2}"}) {
      assertThatThrownBy(() -> JsonTrees.parse(bad)).isInstanceOfSatisfying(JsonProcessingException.class, e -> {
        String d = JsonTrees.describe(e);
        assertThat(d).as(bad).doesNotContain("Source:", "REDACTED", "\n")
            .containsPattern(" at line \\d+, column \\d+$");
        assertThat(d.length()).as(d).isLessThan(160);
      });
    }
  }

  @Test
  void malformedJsonIsAJsonProcessingException() {
    assertThatThrownBy(() -> JsonTrees.parse("{\"a\": }")).isInstanceOf(JsonProcessingException.class);
    assertThatThrownBy(() -> JsonTrees.parse("{\"a\": 1")).isInstanceOf(JsonProcessingException.class);
  }
}
