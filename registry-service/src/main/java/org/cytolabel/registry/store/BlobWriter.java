package org.cytolabel.registry.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upload in progress: bytes go to a temp file and through sha256 as they arrive. {@link #finish}
 * checks size and hash; {@link BlobStore#commit} moves the file into place. Closing an upload that
 * was not committed deletes its temp file. The temp file stays locked (an OS file lock, released
 * when the process dies) until it is moved or deleted, so that {@link BlobStore#removeTempFiles} of
 * another registry process sharing the volume leaves it alone. Not thread-safe: one writer thread
 * at a time.
 */
public final class BlobWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlobWriter.class);

    private enum State { OPEN, VERIFIED, DONE }

    private final Path temp;
    private final String sha256;
    private final long sizeBytes;
    private final FileChannel channel;
    private final MessageDigest digest;
    private long written;
    private State state = State.OPEN;

    BlobWriter(Path temp, String sha256, long sizeBytes) throws IOException {
        this.temp = temp;
        this.sha256 = sha256;
        this.sizeBytes = sizeBytes;
        this.channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(temp);
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("the new upload file " + temp + " is locked by another process");
        }
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String sha256() {
        return sha256;
    }

    public long written() {
        return written;
    }

    public void write(byte[] b, int off, int len) {
        write(ByteBuffer.wrap(b, off, len));
    }

    /** Appends the buffer's remaining bytes; more bytes than the card declares fail the upload. */
    public void write(ByteBuffer buf) {
        requireState(State.OPEN);
        int n = buf.remaining();
        if (written + n > sizeBytes) {
            close();
            throw CytoLabelException.integrity("the upload has more bytes than the card's size_bytes ("
                    + sizeBytes + "); nothing was stored. Set sha256 and size_bytes from the exact ONNX bytes"
                    + " you send (RegistryClient.withDigest does this)");
        }
        digest.update(buf.duplicate());
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            close();
            LOG.error("cannot write upload {} (disk full?)", temp, e);
            throw new CytoLabelException(ErrorKind.UNAVAILABLE, "the registry could not store the upload ("
                    + e.getMessage() + "); nothing was stored. Retry later; the operators have the details in the log", e);
        }
        written += n;
    }

    /** Flushes to disk and checks size and hash; on a mismatch deletes the temp file and throws. */
    public void finish() {
        requireState(State.OPEN);
        try {
            channel.force(true);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot flush the upload " + temp, e);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (written != sizeBytes || !actual.equals(sha256)) {
            close();
            throw CytoLabelException.integrity("the bytes received do not match the card's sha256 and size_bytes"
                    + " (card: " + sha256 + ", " + sizeBytes + " bytes; received: " + actual + ", " + written
                    + " bytes); nothing was stored. Compute the card's digest from the exact ONNX bytes you upload"
                    + " (RegistryClient.withDigest does this) and send every chunk");
        }
        state = State.VERIFIED;
    }

    Path verifiedTemp() {
        requireState(State.VERIFIED);
        return temp;
    }

    /** The file was moved into place: release the lock, keep the file. */
    void markCommitted() {
        state = State.DONE;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the committed upload {} failed: {}", temp, e.toString());
        }
    }

    /** Aborts the upload unless it was committed: the temp file is deleted. Idempotent. */
    @Override
    public void close() {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        try {
            channel.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("could not delete upload temp file {} (removed at next start): {}", temp, e.toString());
        }
    }

    private void requireState(State expected) {
        if (state != expected) {
            throw new IllegalStateException("upload is " + state + ", expected " + expected);
        }
    }
}
