package org.cytolabel.registry.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed artifact files: {@code <root>/blobs/sha256/ab/<hex>} with the card as JSON
 * beside it ({@code <hex>.card.json}). Uploads stream into {@code <root>/tmp} (same file system),
 * are hashed as they arrive and are moved into place atomically only when hash and size match.
 */
public final class BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    static final String TEMP_SUFFIX = ".part";
    private static final String CARD_SUFFIX = ".card.json";

    private final Path blobs;
    private final Path tmp;

    public BlobStore(Path root) {
        this.blobs = root.resolve("blobs").resolve("sha256");
        this.tmp = root.resolve("tmp");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob store under " + root
                    + "; check the data directory exists and is writable", e);
        }
    }

    /**
     * Deletes upload temp files left behind by a crash; returns how many were removed. Uploads in
     * progress hold a lock on their temp file (see {@link BlobWriter}) and are left alone, also
     * those of another process sharing the volume; a killed process holds no locks.
     */
    public int removeTempFiles() {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
            for (Path p : ds) {
                if (deleteUnlessLocked(p)) {
                    n++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean the upload directory " + tmp, e);
        }
        if (n > 0) {
            LOG.info("removed {} leftover upload temp file(s) from {}", n, tmp);
        }
        return n;
    }

    private static boolean deleteUnlessLocked(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return false; // an upload of another process
            }
            Files.deleteIfExists(p);
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // an upload of this process
        } catch (NoSuchFileException e) {
            return false; // finished meanwhile
        }
    }

    /** Starts an upload that must hash to {@code sha256} and be exactly {@code sizeBytes} long. */
    public BlobWriter writer(String sha256, long sizeBytes) {
        requireHex(sha256);
        try {
            Path temp = Files.createTempFile(tmp, "upload-", TEMP_SUFFIX);
            return new BlobWriter(temp, sha256, sizeBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create an upload temp file in " + tmp, e);
        }
    }

    /**
     * Moves a finished (verified) upload into place. Returns true when the bytes are new, false
     * when identical bytes were stored already (the temp file is then discarded).
     */
    public boolean commit(BlobWriter writer) {
        Path temp = writer.verifiedTemp();
        Path target = path(writer.sha256());
        try {
            if (Files.isRegularFile(target) && Files.size(target) == writer.written()) {
                writer.close();
                return false;
            }
            Files.createDirectories(target.getParent());
            try {
                // replaces a damaged file of the wrong size at the same hash
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IllegalStateException("the upload directory " + tmp
                        + " is not on the same file system as " + blobs, e);
            }
            writer.markCommitted();
            syncDirectory(target.getParent());
            return true;
        } catch (IOException e) {
            writer.close();
            throw new UncheckedIOException("cannot store blob " + writer.sha256(), e);
        }
    }

    /**
     * Opens a stored artifact. The stream verifies size and sha256 as it is read and throws a
     * DATA_INTEGRITY {@link CytoLabelException} at the end when the bytes on disk were altered.
     */
    public InputStream open(String sha256, long sizeBytes) {
        requireHex(sha256);
        try {
            return new VerifyingInputStream(Files.newInputStream(path(sha256)), sha256, sizeBytes);
        } catch (NoSuchFileException e) {
            throw new CytoLabelException(ErrorKind.DATA_INTEGRITY, "the artifact with sha256 " + sha256
                    + " is missing from the blob store; publish the model again", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob " + sha256, e);
        }
    }

    public boolean exists(String sha256) {
        return Files.isRegularFile(path(sha256));
    }

    /** Writes the card as JSON beside its blob, for humans (the database holds the authoritative copy). */
    public void writeCardJson(ModelCard card) {
        Path target = cardPath(card.getSha256());
        try {
            String json = JsonFormat.printer().print(card);
            Path temp = Files.createTempFile(tmp, "card-", TEMP_SUFFIX);
            try {
                Files.writeString(temp, json + "\n", StandardCharsets.UTF_8);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a model card cannot be printed as JSON", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** Removes a blob and its card JSON (no error when absent). */
    public void delete(String sha256) {
        requireHex(sha256);
        try {
            Files.deleteIfExists(path(sha256));
            Files.deleteIfExists(cardPath(sha256));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete blob " + sha256, e);
        }
    }

    /** The hashes of every stored blob. */
    public Set<String> list() {
        Set<String> out = new HashSet<>();
        try (Stream<Path> files = Files.walk(blobs)) {
            files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> HEX.matcher(n).matches())
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + blobs, e);
        }
        return out;
    }

    /** Deletes blobs (and stray card JSON) that no version references; returns how many blobs went. */
    public int collectGarbage(Set<String> referenced) {
        int removed = 0;
        try (Stream<Path> files = Files.walk(blobs)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String n = p.getFileName().toString();
                String hex = n.endsWith(CARD_SUFFIX) ? n.substring(0, n.length() - CARD_SUFFIX.length()) : n;
                if (!referenced.contains(hex)) {
                    Files.deleteIfExists(p);
                    if (hex.equals(n)) {
                        removed++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot collect garbage in " + blobs, e);
        }
        if (removed > 0) {
            LOG.info("removed {} orphan blob(s) that no model version references", removed);
        }
        return removed;
    }

    public Path path(String sha256) {
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    Path cardPath(String sha256) {
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256 + CARD_SUFFIX);
    }

    private static void requireHex(String sha256) {
        if (sha256 == null || !HEX.matcher(sha256).matches()) {
            throw CytoLabelException.invalid("sha256 must be 64 lower-case hex characters, got '" + sha256 + "'");
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("directory fsync not supported for {}", dir);
        }
    }
}
