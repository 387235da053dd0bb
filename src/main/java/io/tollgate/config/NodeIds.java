package io.tollgate.config;

import io.tollgate.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * This node's id: {@code node.id} when configured, otherwise the one generated on the first start and kept in the
 * data directory ({@code node.id}), so that a node keeps its name across restarts. Names the node in the change feed,
 * in {@code /health} and in logs.
 */
public final class NodeIds {
  static final String FILE = "node.id";
  private static final Pattern VALID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$");

  private NodeIds() {}

  /** Whether {@code id} may name a node: 1-63 of {@code [A-Za-z0-9._-]}, starting with a letter or digit. */
  public static boolean isValid(String id) {
    return VALID.matcher(id).matches();
  }

  /**
   * The configured id, or the data directory's (created when missing, as {@code node-} and 12 random hex digits).
   *
   * @throws InvalidConfigException when the file cannot be read or written, or holds no valid id
   */
  public static String resolve(Optional<String> configured, Path dataDir) {
    if (configured.isPresent()) {
      return configured.get();
    }
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        PrivateFiles.tighten(file);
      } else {
        PrivateFiles.directory(dataDir);
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        Path tmp = Files.createTempFile(dataDir, FILE, ".tmp", PrivateFiles.fileAttribute());
        Files.writeString(tmp, "node-" + HexFormat.of().formatHex(random) + "\n");
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
          Files.deleteIfExists(tmp);
        }
      }
      String id = Files.readString(file).strip();
      if (!isValid(id)) {
        throw new InvalidConfigException(file + ": holds no valid node id; fix it, delete it or set node.id");
      }
      return id;
    } catch (IOException e) {
      throw new InvalidConfigException("cannot read or create the node id file " + file + ": " + e.getMessage(), e);
    }
  }
}
