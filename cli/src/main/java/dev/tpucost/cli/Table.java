package dev.tpucost.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with a header row, columns padded to their widest cell; numbers right-aligned. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final String[] header;

  Table(String... header) {
    this.header = header;
  }

  Table row(Object... cells) {
    String[] r = new String[header.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
    }
    rows.add(r);
    return this;
  }

  void print(PrintWriter out) {
    int[] width = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      width[i] = header[i].length();
      for (String[] r : rows) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    line(out, header, width);
    for (String[] r : rows) {
      line(out, r, width);
    }
    out.flush();
  }

  private static void line(PrintWriter out, String[] cells, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        sb.append("  ");
      }
      boolean numeric = !cells[i].isEmpty() && cells[i].matches("-?[0-9][0-9.,eE+]*( ?[A-Za-z%/]+)?");
      String pad = " ".repeat(width[i] - cells[i].length());
      sb.append(numeric ? pad + cells[i] : cells[i] + (i == cells.length - 1 ? "" : pad));
    }
    out.println(sb.toString().stripTrailing());
  }
}
