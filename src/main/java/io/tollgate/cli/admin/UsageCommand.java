package io.tollgate.cli.admin;

import static io.tollgate.cli.admin.AdminClient.query;
import static io.tollgate.cli.admin.AdminClient.segment;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tollgate usage [CUSTOMER]}, {@code usage daily} and {@code usage export}: metered usage for billing. */
@Command(name = "usage", mixinStandardHelpOptions = true,
    description = {"Usage of one customer, or of every customer, for a period.",
        "The period defaults to the current quota period. A customer whose id is 'export' or 'daily' is named "
            + "after --: tollgate usage -- export."},
    footer = {"%nExamples:", "  tollgate usage acme-corp --period 2026-01", "  tollgate usage --period 2026",
        "  tollgate usage export --period 2026-01 --output usage-2026-01.csv"})
final class UsageCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  AdminOptions admin;

  @Mixin
  Output out;

  @Parameters(arity = "0..1", paramLabel = "CUSTOMER", description = "the customer_id (default: every customer)")
  String customer;

  @Option(names = "--period", paramLabel = "PERIOD", description = "a UTC month (2026-01) or year (2026)")
  String period;

  @Override
  public Integer call() {
    AdminClient client = admin.client();
    return customer == null
        ? out.print(client.get("/admin/usage", query("period", period)), UsageViews::all)
        : out.print(client.get("/admin/customers/" + segment(customer) + "/usage", query("period", period)),
            UsageViews::customer);
  }

  @Command(name = "daily", mixinStandardHelpOptions = true,
      description = "Usage of one customer day by day (UTC days with usage; default the last 30 days).",
      footer = {"%nExample:", "  tollgate usage daily acme-corp --from 2026-01-01 --to 2026-01-31"})
  int daily(@Mixin AdminOptions admin, @Mixin Output out,
      @Parameters(paramLabel = "CUSTOMER", description = "the customer_id") String id,
      @Option(names = "--from", paramLabel = "DATE", description = "first day, yyyy-MM-dd") String from,
      @Option(names = "--to", paramLabel = "DATE", description = "last day, yyyy-MM-dd (default today)") String to) {
    return out.print(admin.client().get("/admin/customers/" + segment(id) + "/usage/daily",
        query("from", from, "to", to)), UsageViews::daily);
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {"The billing export: one row per customer and operation for a period.",
          "Streamed as the server sends it (CSV with a header line, or the JSON document) to stdout or a file. "
              + "A file is written only when the server answers; a refusal leaves it untouched."},
      footer = {"%nExamples:", "  tollgate usage export --period 2026-01 > usage.csv",
          "  tollgate usage export --format json --output usage.json"})
  int export(@Mixin AdminOptions admin, @Mixin Output out,
      @Option(names = "--format", paramLabel = "FORMAT",
          description = "csv (default) or json; --json is the same as --format json") String format,
      @Option(names = "--period", paramLabel = "PERIOD", description = "a UTC month or year (default: current)")
      String period,
      @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE instead of stdout")
      Path output) {
    CommandLine export = spec.subcommands().get("export");
    if (out.json && format != null && !format.equals("json")) {
      throw new ParameterException(export, "--json asks for JSON, --format " + format + " for something else");
    }
    format = out.json ? "json" : format == null ? "csv" : format;
    if (!format.equals("csv") && !format.equals("json")) {
      throw new ParameterException(export, "--format: must be csv or json, not " + format);
    }
    AdminClient client = admin.client();
    var q = query("format", format, "period", period);
    if (output == null) {
      export.getOut().flush();
      return out.print(client.download("/admin/usage/export", q, System.out), (d, w) -> { });
    }
    Reply reply;
    try {
      reply = toFile(client, q, output.toAbsolutePath());
    } catch (UncheckedIOException e) {
      export.getErr().println("tollgate: cannot write " + output + ": " + e.getCause());
      export.getErr().flush();
      return Reply.USAGE;
    }
    return out.print(reply, (d, w) -> { }) == 0 ? wrote(export, (Reply.Streamed) reply, output) : reply.exitCode();
  }

  private static Reply toFile(AdminClient client, Map<String, String> q, Path output) {
    try {
      Path partial = Files.createTempFile(output.getParent(), ".tollgate-export-", ".part");
      try {
        Reply reply;
        try (OutputStream sink = Files.newOutputStream(partial)) {
          reply = client.download("/admin/usage/export", q, sink);
        }
        if (reply instanceof Reply.Streamed) {
          Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING);
        }
        return reply;
      } finally {
        Files.deleteIfExists(partial);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + output, e);
    }
  }

  private static int wrote(CommandLine export, Reply.Streamed streamed, Path output) {
    export.getOut().println("wrote " + streamed.bytes() + " bytes to " + output);
    export.getOut().flush();
    return Reply.OK;
  }
}
