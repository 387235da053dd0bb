package io.tollgate.gate.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One Lua script of this package's resources, run by its SHA-1 ({@code EVALSHA}); when Redis does not know it
 * ({@code NOSCRIPT}: a restart, a {@code SCRIPT FLUSH}, a fail-over) it is sent whole once ({@code EVAL}, which
 * also caches it). Immutable.
 */
final class LuaScript {
  private final String source;
  private final String sha;

  private LuaScript(String source) {
    this.source = source;
    this.sha = sha1(source);
  }

  static LuaScript load(String resource) {
    try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + resource);
      }
      return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the script on {@code keys} (all of one customer's hash tag) with {@code args}. */
  Future<Response> run(RedisAPI api, List<String> keys, List<String> args) {
    return api.evalsha(arguments(sha, keys, args)).recover(e -> String.valueOf(e.getMessage()).startsWith("NOSCRIPT")
        ? api.eval(arguments(source, keys, args))
        : Future.failedFuture(e));
  }

  private static List<String> arguments(String script, List<String> keys, List<String> args) {
    List<String> all = new ArrayList<>(2 + keys.size() + args.size());
    all.add(script);
    all.add(Integer.toString(keys.size()));
    all.addAll(keys);
    all.addAll(args);
    return all;
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
