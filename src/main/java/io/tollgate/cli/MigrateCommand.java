package io.tollgate.cli;

import io.tollgate.store.StoreCopy;
import io.tollgate.store.StoreUnavailableException;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tollgate migrate}: copies a stopped node's SQLite store into an empty PostgreSQL database, the way from the
 * embedded default to several nodes (docs/operations.md, "Moving from the embedded default to PostgreSQL").
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = {"Copy a SQLite store into an empty PostgreSQL database, in one transaction: customers, keys "
        + "(their hashes), admin keys, usage, refusals, audit, applied batch ids and the change feed.",
        "Both stores are migrated to this version's schema first. Stop Tollgate before, and give the PostgreSQL "
            + "nodes the same server secret (hmac.key or keys.hmac_secret)."},
    footer = {"%nExample:", "  TOLLGATE_STORE_URL='jdbc:postgresql://db/tollgate?user=tg&password=…' \\",
        "    tollgate migrate --from sqlite:/var/lib/tollgate/tollgate.db"})
final class MigrateCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, paramLabel = "sqlite:PATH",
      description = "The SQLite store to copy (store.url of the old node)")
  String from;

  @Option(names = "--to", paramLabel = "jdbc:postgresql://…",
      description = "The empty PostgreSQL store to fill; default: TOLLGATE_STORE_URL, which keeps the password out "
          + "of the process list")
  String to;

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;

  MigrateCommand() {
    this(System.getenv(), System.out, System.err);
  }

  MigrateCommand(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    Optional<String> target = Optional.ofNullable(to).or(() -> Optional.ofNullable(env.get("TOLLGATE_STORE_URL")))
        .map(String::strip).filter(s -> !s.isEmpty());
    if (target.isEmpty()) {
      err.println("tollgate: migrate needs a target: --to jdbc:postgresql://… or TOLLGATE_STORE_URL");
      return 2;
    }
    if (!(from.startsWith("sqlite:") || from.startsWith("jdbc:sqlite:"))) {
      err.println("tollgate: --from must be a SQLite store: sqlite:PATH");
      return 2;
    }
    if (!target.get().startsWith("jdbc:postgresql://")) {
      err.println("tollgate: the target must be a PostgreSQL store: jdbc:postgresql://HOST:PORT/DB?user=…");
      return 2;
    }
    StoreCopy.Outcome outcome;
    try {
      outcome = StoreCopy.copy(from, target.get());
    } catch (StoreUnavailableException e) {
      err.println("tollgate: migrate failed, nothing was copied: " + e.getMessage());
      return 1;
    }
    return switch (outcome) {
      case StoreCopy.Copied c -> {
        out.println("copied " + c.from() + " to " + c.to() + " (schema version " + c.schemaVersion()
            + ", one transaction):");
        c.rows().forEach((table, n) -> out.printf("  %-18s %d rows%n", table, n));
        out.println("Keys are stored as digests of the server secret: give every node on the new store the same "
            + "secret, " + c.serverSecret().map(p -> "this hmac.key (" + p + ") in its data directory")
                .orElse("the keys.hmac_secret / TOLLGATE_HMAC_SECRET the old node used")
            + ", and the same tiers and routes.");
        yield 0;
      }
      case StoreCopy.TargetNotEmpty n -> {
        err.println("tollgate: refused: the target " + n.to() + " is not empty (table " + n.table() + " holds "
            + n.rows() + " rows); nothing was copied. Migrate into a new, empty database.");
        yield 1;
      }
      case StoreCopy.NoSource s -> {
        err.println("tollgate: no store at " + s.from() + "; nothing was copied");
        yield 1;
      }
      case StoreCopy.SchemaMismatch m -> {
        err.println("tollgate: refused: the stores' schemas differ: " + m.detail() + "; nothing was copied");
        yield 1;
      }
    };
  }
}
