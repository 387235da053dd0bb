package io.tollgate.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import io.tollgate.files.PrivateFiles;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Optional;

/**
 * The server secret keys are hashed with: the configured one, or one generated on the first start and kept in
 * the data directory ({@code hmac.key}, readable by the owner only). Losing it invalidates every stored key.
 */
public final class ServerSecret {
  static final String FILE = "hmac.key";

  private ServerSecret() {}

  /** The configured secret's bytes, or the data directory's (created when missing). */
  public static byte[] load(Optional<String> configured, Path dataDir) {
    if (configured.isPresent()) {
      return configured.get().getBytes(StandardCharsets.UTF_8);
    }
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        PrivateFiles.tighten(file);
        return read(file);
      }
      PrivateFiles.directory(dataDir);
      Path tmp = Files.createTempFile(dataDir, FILE, ".tmp", PrivateFiles.fileAttribute());
      Files.writeString(tmp, Base64.getEncoder().encodeToString(RandomIds.secretBytes(32)) + "\n");
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        Files.deleteIfExists(tmp);
      }
      return read(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or create the server secret " + file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] read(Path file) throws IOException {
    byte[] secret = Base64.getDecoder().decode(Files.readString(file).trim());
    if (secret.length < 16) {
      throw new IOException("the server secret in " + file + " is shorter than 16 bytes");
    }
    return secret;
  }
}
