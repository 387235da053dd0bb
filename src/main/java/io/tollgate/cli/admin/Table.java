package io.tollgate.cli.admin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table with left-aligned columns two spaces apart, for the human views; not thread-safe. */
final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  private Table(List<String> header) {
    this.header = header;
  }

  /** A table whose first line is {@code columns}. */
  static Table of(String... columns) {
    return new Table(List.of(columns));
  }

  /** A table without a header line, e.g. {@code name  value} pairs. */
  static Table fields() {
    return new Table(List.of());
  }

  /** Adds a row; missing trailing cells print empty. */
  Table row(String... cells) {
    rows.add(Arrays.asList(cells));
    return this;
  }

  /** Prints the table, or only {@code none} when it has no rows. */
  void printOr(String none, PrintWriter out) {
    if (rows.isEmpty()) {
      out.println(none);
    } else {
      print(out);
    }
  }

  void print(PrintWriter out) {
    List<List<String>> all = new ArrayList<>();
    if (!header.isEmpty()) {
      all.add(header);
    }
    all.addAll(rows);
    int columns = all.stream().mapToInt(List::size).max().orElse(0);
    int[] width = new int[columns];
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) {
          line.append(" ".repeat(width[i] - row.get(i).length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
