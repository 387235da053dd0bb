package io.tollgate.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files Tollgate writes (the SQLite database and its {@code -wal}/{@code -shm}, the access log, {@code hmac.key},
 * {@code node.id}) are readable by their owner only, whatever the umask: files {@code 0600}, the directories
 * Tollgate creates for them {@code 0700}. A file of Tollgate's that already exists with wider permissions is
 * tightened to {@code 0600}; a directory that already exists is never changed (it may be shared, such as the
 * working directory) but one open to group or others is warned about, once per process. On a file system without
 * POSIX permissions nothing is done. Thread-safe.
 */
public final class PrivateFiles {
  private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER = EnumSet.of(PosixFilePermission.OWNER_READ,
      PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
  private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

  private PrivateFiles() {}

  /** The attribute that creates a file {@code 0600}, for {@link Files#createTempFile} and the like. */
  public static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
    return PosixFilePermissions.asFileAttribute(FILE);
  }

  /**
   * Creates {@code dir} and its missing parents {@code 0700}; when it exists already, warns if group or others
   * have any permission on it.
   */
  public static Path directory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      warnIfOpen(dir);
      return dir;
    }
    if (!posix(dir.toAbsolutePath().getRoot())) {
      return Files.createDirectories(dir);
    }
    return Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
  }

  /** {@link #directory}, then the empty file {@code file} {@code 0600} when missing, or {@link #tighten}ed. */
  public static void file(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      directory(parent);
    }
    if (posix(parent)) {
      try {
        Files.createFile(file, fileAttribute());
        return;
      } catch (FileAlreadyExistsException e) {
        // tightened below
      }
    }
    tighten(file);
  }

  /** Takes every permission but the owner's read and write off {@code file}, when it exists. */
  public static void tighten(Path file) throws IOException {
    if (!Files.isRegularFile(file) || !posix(file)) {
      return;
    }
    Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
    if (!FILE.containsAll(now) || !now.containsAll(FILE)) {
      Files.setPosixFilePermissions(file, FILE);
      LOG.info("{} was {}; set to rw------- (owner only)", file, PosixFilePermissions.toString(now));
    }
  }

  /** Warns (once per process) when {@code dir} exists and group or others have a permission on it. */
  public static void warnIfOpen(Path dir) throws IOException {
    if (!Files.isDirectory(dir) || !posix(dir)) {
      return;
    }
    Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir);
    if (!OWNER.containsAll(now) && WARNED.add(dir.toAbsolutePath().normalize())) {
      LOG.warn("the directory {} holding Tollgate's files is {}: other users may list it (the files are rw-------"
          + " each); chmod 700 {} unless it is shared on purpose", dir, PosixFilePermissions.toString(now), dir);
    }
  }

  private static boolean posix(Path path) {
    return path != null && Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
  }
}
