package io.tollgate.cli.admin;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where the Admin API is and how to authenticate (a picocli mixin of every admin command). The admin key comes
 * from {@code --admin-key-file} or {@code TOLLGATE_ADMIN_KEY}, never from a plain argument, so it stays out of
 * shell history and process listings.
 */
final class AdminOptions {
  static final String KEY_ENV = "TOLLGATE_ADMIN_KEY";

  @Option(names = "--admin-url", paramLabel = "URL",
      defaultValue = "${env:TOLLGATE_ADMIN_URL:-http://127.0.0.1:8081}",
      description = "Admin API base URL (env TOLLGATE_ADMIN_URL; default http://127.0.0.1:8081)")
  String url;

  @Option(names = "--admin-key-file", paramLabel = "PATH",
      description = "file holding the admin key (trimmed); without it, env " + KEY_ENV)
  Path keyFile;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** A client that sends the admin key; a missing key is a usage error (exit 2). */
  AdminClient client() {
    return new AdminClient(baseUrl(), Optional.of(adminKey()));
  }

  /** A client without the admin key, for {@code GET /health}. */
  AdminClient anonymousClient() {
    return new AdminClient(baseUrl(), Optional.empty());
  }

  private String baseUrl() {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw usage("--admin-url: not a URL: " + url);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw usage("--admin-url: must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8081");
    }
    return url;
  }

  private String adminKey() {
    if (keyFile != null) {
      String key;
      try {
        key = Files.readString(keyFile).strip();
      } catch (IOException e) {
        throw usage("--admin-key-file: cannot read " + keyFile + " (" + e.getClass().getSimpleName() + ")");
      }
      if (key.isEmpty()) {
        throw usage("--admin-key-file: " + keyFile + " is empty");
      }
      return key;
    }
    return Optional.ofNullable(System.getenv(KEY_ENV)).map(String::strip).filter(k -> !k.isEmpty())
        .orElseThrow(() -> usage("no admin key: set " + KEY_ENV + " or pass --admin-key-file PATH"));
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
