package org.cytolabel.trainer.dataset;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;

/**
 * One dataset upload in progress: files arrive one after another into a private temporary
 * directory. Nothing is visible to the store until {@link DatasetStore#commit} accepts it; an
 * aborted upload deletes everything it wrote.
 */
public final class DatasetUpload implements AutoCloseable {
    private static final Set<String> TENX_FILES = Set.of("matrix.mtx", "matrix.mtx.gz", "features.tsv",
            "features.tsv.gz", "genes.tsv", "genes.tsv.gz", "barcodes.tsv", "barcodes.tsv.gz",
            "cell_metadata.csv");

    private final String name;
    private final String format;
    private final Path dir;
    private final long maxBytes;
    private long totalBytes;
    private OutputStream current;
    private String currentName;
    private long currentExpectedSize;
    private long currentSize;
    private String currentExpectedSha;
    private MessageDigest currentDigest;
    private boolean closed;

    DatasetUpload(String name, String format, Path dir, long maxBytes) {
        this.name = name;
        this.format = format;
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    public String name() {
        return name;
    }

    public String format() {
        return format;
    }

    Path dir() {
        return dir;
    }

    public void startFile(String fileName, long sizeBytes, String sha256) {
        finishFile();
        if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".")) {
            throw CytoLabelException.invalid("file name '" + fileName + "' must be a plain file name");
        }
        if (format.equals("h5ad") && !fileName.endsWith(".h5ad")) {
            throw CytoLabelException.invalid("an h5ad dataset is one file ending in .h5ad, got '" + fileName + "'");
        }
        if (format.equals("10x") && !TENX_FILES.contains(fileName)) {
            throw CytoLabelException.invalid("a 10x dataset holds " + TENX_FILES.stream().sorted().toList()
                    + "; got '" + fileName + "'");
        }
        if (Files.exists(dir.resolve(fileName))) {
            throw CytoLabelException.invalid("file '" + fileName + "' was sent twice");
        }
        try {
            current = Files.newOutputStream(dir.resolve(fileName));
            currentDigest = MessageDigest.getInstance("SHA-256");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        currentName = fileName;
        currentExpectedSize = sizeBytes;
        currentExpectedSha = sha256 == null ? "" : sha256.toLowerCase(java.util.Locale.ROOT);
        currentSize = 0;
    }

    public void write(byte[] bytes, int offset, int length) {
        if (current == null) {
            throw CytoLabelException.invalid("send a FileStart before the file's bytes");
        }
        totalBytes += length;
        if (totalBytes > maxBytes) {
            throw new CytoLabelException(ErrorKind.RESOURCE_EXHAUSTED, "upload exceeds the limit of "
                    + maxBytes + " bytes; raise the trainer's --max-upload-bytes or split the dataset");
        }
        try {
            current.write(bytes, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        currentDigest.update(bytes, offset, length);
        currentSize += length;
    }

    /** Closes the current file and checks its declared size and hash. */
    void finishFile() {
        if (current == null) {
            return;
        }
        try {
            current.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        current = null;
        if (currentExpectedSize > 0 && currentSize != currentExpectedSize) {
            throw CytoLabelException.integrity(currentName + ": received " + currentSize + " bytes, expected "
                    + currentExpectedSize + "; the upload was truncated, send it again");
        }
        String got = HexFormat.of().formatHex(currentDigest.digest());
        if (!currentExpectedSha.isEmpty() && !got.equals(currentExpectedSha)) {
            throw CytoLabelException.integrity(currentName + ": sha256 " + got + " does not match the declared "
                    + currentExpectedSha + "; the file changed in transit, send it again");
        }
    }

    /** Deletes everything this upload wrote (idempotent). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (current != null) {
                current.close();
            }
        } catch (IOException ignored) {
            // deleting anyway
        }
        DatasetFiles.deleteRecursively(dir);
    }
}
