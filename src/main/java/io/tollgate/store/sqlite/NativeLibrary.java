package io.tollgate.store.sqlite;

import io.tollgate.files.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * sqlite-jdbc's native library, kept in the store's directory instead of extracted at each start. Left alone,
 * sqlite-jdbc copies its 1.1 MB library from the jar to {@code java.io.tmpdir} under a new name at every start and
 * compares the copy with the jar's byte by byte (about 6-10 % of a start's CPU, docs/performance.md). Here it is
 * extracted once into {@code <store directory>/native/sqlite-jdbc-<version>-<crc>/}, named after the driver's version
 * and the CRC-32 of the library in the jar, and sqlite-jdbc is told to load that copy ({@code org.sqlite.lib.path},
 * {@code org.sqlite.lib.name}).
 *
 * <p>A copy is used only when its size and CRC-32 are the jar's, and when neither it nor a directory above it up to
 * the store's is writable by group or others, and it has the owner of the database file; otherwise it is extracted
 * again (to a temporary file in the same directory, checked, then renamed over: two processes starting at once each
 * write their own and the rename is atomic); the copies of other driver versions are then deleted. When nothing can
 * be written there (a read-only directory, a file in the way), on a file system without POSIX permissions, when the
 * library is not in a jar or when {@code org.sqlite.lib.path} is set by the operator, sqlite-jdbc does as it always
 * did; so it does when it cannot load the kept copy (a {@code noexec} mount: it logs the failure and extracts to
 * {@code java.io.tmpdir}). Only sqlite-jdbc loads the library, once per process: a process that used the driver
 * before its first store keeps the copy it loaded then (never two copies of SQLite in one process). It still lists
 * {@code java.io.tmpdir} for stale copies of its own at its first load.
 */
final class NativeLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
  static final String DIRECTORY = "native";
  static final String PATH_PROPERTY = "org.sqlite.lib.path";
  static final String NAME_PROPERTY = "org.sqlite.lib.name";
  private static final Set<PosixFilePermission> LIBRARY = PosixFilePermissions.fromString("r-x------");
  private static final AtomicBoolean CHOSEN = new AtomicBoolean();

  private NativeLibrary() {}

  /** Where the library comes from. */
  sealed interface Source {}

  /** The copy kept in the store's directory; {@code extracted} when this call wrote it. */
  record Kept(Path library, boolean extracted) implements Source {}

  /** sqlite-jdbc's own way (extracted to the temporary directory), and why. */
  record DriverDefault(String reason) implements Source {}

  /**
   * Before the first connection of the process: points sqlite-jdbc at the copy kept next to {@code database}
   * ({@link #keep}), once; later calls, and a process whose operator set {@code org.sqlite.lib.path}, change nothing.
   */
  static Source useKeptCopy(Path database) {
    if (System.getProperty(PATH_PROPERTY) != null) {
      return new DriverDefault(PATH_PROPERTY + " is set");
    }
    if (!CHOSEN.compareAndSet(false, true)) {
      return new DriverDefault("chosen by an earlier store of this process");
    }
    Source source = keep(database);
    switch (source) {
      case Kept kept -> {
        // only the driver loads it (once per process, whatever it loaded before): never a second copy of SQLite
        System.setProperty(PATH_PROPERTY, kept.library().getParent().toString());
        System.setProperty(NAME_PROPERTY, kept.library().getFileName().toString());
        LOG.debug("SQLite's native library: {}{}", kept.library(), kept.extracted() ? " (extracted now)" : "");
      }
      case DriverDefault d -> LOG.debug("SQLite's native library extracted by sqlite-jdbc: {}", d.reason());
    }
    return source;
  }

  /** The copy of the jar's library for this platform kept next to {@code database}, extracted when missing. */
  static Source keep(Path database) {
    Path storeDir;
    try {
      storeDir = database.toRealPath().getParent();
    } catch (IOException e) {
      return new DriverDefault(e.toString());
    }
    if (storeDir == null || Files.getFileAttributeView(storeDir, PosixFileAttributeView.class) == null) {
      return new DriverDefault("no POSIX file permissions");
    }
    String name = LibraryLoaderUtil.getNativeLibName();
    URL resource = SQLiteJDBCLoader.class.getResource(LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name);
    if (resource == null) {
      return new DriverDefault("no library for this platform in the jar");
    }
    try {
      URLConnection connection = resource.openConnection();
      if (!(connection instanceof JarURLConnection jar)) {
        return new DriverDefault("the library is not in a jar");
      }
      JarEntry entry = jar.getJarEntry();
      long crc = entry.getCrc();
      long size = entry.getSize();
      if (crc < 0 || size < 0) {
        return new DriverDefault("the jar does not record the library's checksum");
      }
      Path dir = storeDir.resolve(DIRECTORY)
          .resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "-" + Long.toHexString(crc));
      Path library = dir.resolve(name);
      UserPrincipal owner = Files.getOwner(database);
      if (!safe(storeDir, storeDir, owner)) {
        return new DriverDefault(storeDir + " is writable by others or not the store's owner's");
      }
      if (Files.isRegularFile(library, LinkOption.NOFOLLOW_LINKS) && safe(library, storeDir, owner)
          && intact(library, size, crc)) {
        return new Kept(library, false);
      }
      PrivateFiles.directory(dir);
      if (!safe(dir, storeDir, owner)) {
        return new DriverDefault(dir + " is writable by others or not the store's owner's");
      }
      extract(resource, dir, library, size, crc);
      removeOtherVersions(dir);
      return new Kept(library, true);
    } catch (IOException | RuntimeException e) {
      LOG.info("cannot keep SQLite's native library in {} ({}): sqlite-jdbc extracts it to the temporary directory"
          + " at each start", storeDir.resolve(DIRECTORY), e.toString());
      return new DriverDefault(e.toString());
    }
  }

  private static void extract(URL resource, Path dir, Path library, long size, long crc) throws IOException {
    Path tmp = Files.createTempFile(dir, ".extracting-", ".tmp", PrivateFiles.fileAttribute());
    try {
      URLConnection connection = resource.openConnection();
      connection.setUseCaches(false);
      try (InputStream in = connection.getInputStream();
          OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
        in.transferTo(out);
      }
      if (!intact(tmp, size, crc)) {
        throw new IOException("the extracted library does not match the jar's checksum");
      }
      Files.setPosixFilePermissions(tmp, LIBRARY);
      Files.move(tmp, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Deletes the copies of other driver versions (an upgrade's leftovers) next to {@code kept}; best effort. */
  private static void removeOtherVersions(Path kept) {
    try (java.util.stream.Stream<Path> dirs = Files.list(kept.getParent())) {
      for (Path other : dirs.filter(d -> !d.equals(kept) && d.getFileName().toString().startsWith("sqlite-jdbc-")
          && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)).toList()) {
        try (java.util.stream.Stream<Path> files = Files.list(other)) {
          for (Path file : files.toList()) {
            Files.deleteIfExists(file);
          }
        }
        Files.deleteIfExists(other);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot remove old copies of SQLite's native library: {}", e.toString());
    }
  }

  /** Whether {@code file} has the size and the CRC-32 of the jar's library. */
  static boolean intact(Path file, long size, long crc) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() != size) {
        return false;
      }
      CRC32 sum = new CRC32();
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        sum.update(buffer);
        buffer.clear();
      }
      return sum.getValue() == crc;
    }
  }

  /**
   * Whether {@code path} and every directory above it up to {@code storeDir} (included) are not writable by group or
   * others, are no symbolic links, and have the database file's owner.
   */
  private static boolean safe(Path path, Path storeDir, UserPrincipal owner) throws IOException {
    for (Path p = path; p != null; p = p.getParent()) {
      PosixFileAttributes attributes = Files.getFileAttributeView(p, PosixFileAttributeView.class,
          LinkOption.NOFOLLOW_LINKS).readAttributes();
      Set<PosixFilePermission> permissions = attributes.permissions();
      if (attributes.isSymbolicLink() || !attributes.owner().equals(owner)
          || permissions.contains(PosixFilePermission.GROUP_WRITE)
          || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
        return false;
      }
      if (p.equals(storeDir)) {
        return true;
      }
    }
    return false;
  }
}
