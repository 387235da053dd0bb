package io.tollgate.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The human views' building blocks: aligned columns and JSON values as cells. */
final class TableTest {
  private final StringWriter text = new StringWriter();
  private final PrintWriter out = new PrintWriter(text);

  @Test
  void print_alignsColumnsTwoSpacesApart_withoutTrailingBlanks() {
    Table.of("ID", "NAME").row("acme-corp", "Acme").row("b", "").print(out);

    assertThat(text.toString().lines()).containsExactly("ID         NAME", "acme-corp  Acme", "b");
  }

  @Test
  void printOr_withoutRows_printsOnlyTheNote() {
    Table.of("ID").printOr("no customers", out);

    assertThat(text.toString().lines()).containsExactly("no customers");
  }

  @Test
  void cells_printNullAsDash_numbersWithoutExponent_andRatiosAsPercent() throws Exception {
    var json = new ObjectMapper()
        .readTree("{\"a\":null,\"u\":12450.50,\"big\":10000000.0,\"r\":0.0249,\"l\":[\"x\",\"y\"]}");

    assertThat(Cells.text(json.path("a"))).isEqualTo("-");
    assertThat(Cells.text(json.path("missing"))).isEqualTo("-");
    assertThat(Cells.text(json.path("u"))).isEqualTo("12450.5");
    assertThat(Cells.text(json.path("big"))).isEqualTo("10000000");
    assertThat(Cells.percent(json.path("r"))).isEqualTo("2.49 %");
    assertThat(Cells.percent(json.path("a"))).isEqualTo("-");
    assertThat(Cells.text(json.path("l"))).isEqualTo("x, y");
  }
}
