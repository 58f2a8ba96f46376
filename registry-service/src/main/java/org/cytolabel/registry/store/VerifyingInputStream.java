package org.cytolabel.registry.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Hashes and counts the bytes read; at the end of the stream, throws a DATA_INTEGRITY
 * {@link CytoLabelException} when they do not match the expected sha256 and size.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final String sha256;
    private final long sizeBytes;
    private final MessageDigest digest;
    private long read;
    private boolean verified;

    VerifyingInputStream(InputStream in, String sha256, long sizeBytes) {
        super(in);
        this.sha256 = sha256;
        this.sizeBytes = sizeBytes;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            verify();
            return -1;
        }
        digest.update(b, off, n);
        read += n;
        if (read > sizeBytes) {
            throw corrupted("more than " + sizeBytes + " bytes");
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("a verifying stream cannot skip");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void verify() {
        if (verified) {
            return;
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        verified = true;
        if (read != sizeBytes || !actual.equals(sha256)) {
            throw corrupted(read + " bytes with sha256 " + actual);
        }
    }

    private CytoLabelException corrupted(String what) {
        return CytoLabelException.integrity("the stored artifact " + sha256 + " is corrupted on disk (expected "
                + sizeBytes + " bytes, found " + what + "); publish the model again");
    }
}
