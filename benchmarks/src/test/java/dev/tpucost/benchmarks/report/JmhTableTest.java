package dev.tpucost.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JmhTableTest {
  @Test
  void oneRowPerResultWithShortNamesAndParameters() throws Exception {
    String json = "[{\"benchmark\":\"dev.tpucost.benchmarks.models.RankBench.rank\",\"mode\":\"avgt\","
        + "\"params\":{\"model\":\"gnn\",\"candidates\":\"1000\"},"
        + "\"primaryMetric\":{\"score\":1234.5678,\"scoreError\":12.25,\"scoreUnit\":\"us/op\"}},"
        + "{\"benchmark\":\"dev.tpucost.benchmarks.hlo.HloLoadBench.text\",\"mode\":\"thrpt\","
        + "\"params\":{\"file\":\"shared/hlo-samples/text/a.hlo\"},"
        + "\"primaryMetric\":{\"score\":3.5,\"scoreError\":\"NaN\",\"scoreUnit\":\"ops/s\"}}]";
    String md = JmhTable.markdown(new ObjectMapper().readTree(json), "test machine", "x.json");
    assertThat(md).startsWith("Machine: test machine");
    assertThat(md).contains("| RankBench.rank | model=gnn, candidates=1000 | avgt | 1,235 | 12.3 | us/op |");
    assertThat(md).contains("| HloLoadBench.text | file=a.hlo | thrpt | 3.500 | – | ops/s |");
    assertThatThrownBy(() -> JmhTable.markdown(new ObjectMapper().readTree("{}"), "m", "bad.json"))
        .hasMessageContaining("bad.json");
  }
}
