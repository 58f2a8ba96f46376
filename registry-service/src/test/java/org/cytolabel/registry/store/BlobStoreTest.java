package org.cytolabel.registry.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.registry.TestCards;
import org.cytolabel.registry.client.RegistryClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
    @TempDir
    Path root;

    private static String sha(byte[] b) {
        return RegistryClient.withDigest(TestCards.card("x"), b).getSha256();
    }

    private BlobWriter upload(BlobStore store, byte[] declared, byte[] sent) {
        BlobWriter w = store.writer(sha(declared), declared.length);
        w.write(sent, 0, sent.length / 2);
        w.write(sent, sent.length / 2, sent.length - sent.length / 2);
        return w;
    }

    @Test
    void verifiedUploadIsStoredAtItsHashAndReadsBack() throws IOException {
        BlobStore store = new BlobStore(root);
        byte[] bytes = TestCards.bytes(10_000, 1);
        try (BlobWriter w = upload(store, bytes, bytes)) {
            w.finish();
            assertTrue(store.commit(w));
        }
        String hex = sha(bytes);
        assertEquals(root.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex), store.path(hex));
        try (InputStream in = store.open(hex, bytes.length)) {
            assertArrayEquals(bytes, in.readAllBytes());
        }
        assertEquals(Set.of(hex), store.list());
        assertEquals(0, TestCards.files(root.resolve("tmp")).size());
        // the same bytes again: deduplicated, temp discarded
        try (BlobWriter w = upload(store, bytes, bytes)) {
            w.finish();
            assertFalse(store.commit(w));
        }
        assertEquals(1, TestCards.files(root.resolve("blobs")).size());
        assertEquals(0, TestCards.files(root.resolve("tmp")).size());
    }

    @Test
    void changedBytesAreRefusedAndNothingIsLeft() {
        BlobStore store = new BlobStore(root);
        byte[] declared = TestCards.bytes(5000, 2);
        byte[] sent = declared.clone();
        sent[4321] ^= 1;
        BlobWriter w = upload(store, declared, sent);
        CytoLabelException e = assertThrows(CytoLabelException.class, w::finish);
        assertEquals(ErrorKind.DATA_INTEGRITY, e.kind());
        assertTrue(e.getMessage().contains("nothing was stored"), e.getMessage());
        assertEquals(0, TestCards.files(root).size());
    }

    @Test
    void tooManyOrTooFewBytesAreRefused() {
        BlobStore store = new BlobStore(root);
        byte[] declared = TestCards.bytes(100, 3);
        BlobWriter longer = store.writer(sha(declared), declared.length);
        longer.write(declared, 0, 100);
        CytoLabelException e = assertThrows(CytoLabelException.class, () -> longer.write(new byte[1], 0, 1));
        assertEquals(ErrorKind.DATA_INTEGRITY, e.kind());
        BlobWriter shorter = store.writer(sha(declared), declared.length);
        shorter.write(declared, 0, 99);
        assertEquals(ErrorKind.DATA_INTEGRITY, assertThrows(CytoLabelException.class, shorter::finish).kind());
        assertEquals(0, TestCards.files(root).size());
    }

    @Test
    void abortedUploadDeletesItsTempFileAndLeftoversGoAtStartup() throws IOException {
        BlobStore store = new BlobStore(root);
        byte[] bytes = TestCards.bytes(1000, 4);
        BlobWriter w = store.writer(sha(bytes), bytes.length);
        w.write(bytes, 0, 500);
        assertEquals(1, TestCards.files(root.resolve("tmp")).size());
        w.close();
        assertEquals(0, TestCards.files(root).size());

        Files.write(root.resolve("tmp/upload-crashed.part"), bytes);
        assertEquals(1, new BlobStore(root).removeTempFiles());
        assertEquals(0, TestCards.files(root).size());
    }

    @Test
    void readingBytesAlteredOnDiskFailsWithDataIntegrity() throws IOException {
        BlobStore store = new BlobStore(root);
        byte[] bytes = TestCards.bytes(3000, 5);
        try (BlobWriter w = upload(store, bytes, bytes)) {
            w.finish();
            store.commit(w);
        }
        byte[] altered = bytes.clone();
        altered[0] ^= (byte) 0xff;
        Files.write(store.path(sha(bytes)), altered);
        try (InputStream in = store.open(sha(bytes), bytes.length)) {
            CytoLabelException e = assertThrows(CytoLabelException.class, in::readAllBytes);
            assertEquals(ErrorKind.DATA_INTEGRITY, e.kind());
        }
    }

    @Test
    void garbageCollectionKeepsOnlyReferencedBlobs() {
        BlobStore store = new BlobStore(root);
        byte[] a = TestCards.bytes(100, 6);
        byte[] b = TestCards.bytes(100, 7);
        for (byte[] bytes : new byte[][] {a, b}) {
            try (BlobWriter w = upload(store, bytes, bytes)) {
                w.finish();
                store.commit(w);
            }
        }
        store.writeCardJson(RegistryClient.withDigest(TestCards.card("m"), b));
        assertEquals(1, store.collectGarbage(Set.of(sha(a))));
        assertEquals(Set.of(sha(a)), store.list());
        assertEquals(1, TestCards.files(root).size());
    }
}
