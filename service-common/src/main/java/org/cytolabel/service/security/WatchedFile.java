package org.cytolabel.service.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small text file (a mounted secret) parsed into a value, re-read when it changes. Kubernetes
 * rotates a mounted secret by swapping a symlink, so "changed" is judged on the followed file's
 * modification time, size and file key, at most once per {@code checkEvery}.
 *
 * <p>The first read happens in the constructor and throws if the file is unusable. A later change
 * that cannot be read or parsed does not keep the old value: {@link #get()} then holds the error
 * (fail closed: a token removed from a broken file must not keep working).
 */
final class WatchedFile<T> {
    private static final Logger LOG = LoggerFactory.getLogger(WatchedFile.class);

    /** The parsed value, or why there is none; messages never quote the file's content. */
    record Snapshot<T>(T value, String error) {
    }

    private record Stamp(long modifiedNanos, long size, Object fileKey) {
    }

    private final Path path;
    private final Function<String, T> parse;
    private final long checkEveryNanos;
    private volatile Snapshot<T> current;
    private Stamp stamp;
    private volatile long lastCheck;

    /** @throws IllegalArgumentException with the parser's message when the first read fails */
    WatchedFile(Path path, Function<String, T> parse, Duration checkEvery) {
        this.path = Objects.requireNonNull(path);
        this.parse = parse;
        this.checkEveryNanos = checkEvery.toNanos();
        this.lastCheck = System.nanoTime();
        this.stamp = stamp(path);
        Snapshot<T> first = load();
        if (first.error() != null) {
            throw new IllegalArgumentException(first.error());
        }
        this.current = first;
    }

    Path path() {
        return path;
    }

    /** The value as of the last check, re-reading the file first when it is due and has changed. */
    Snapshot<T> get() {
        long now = System.nanoTime();
        if (now - lastCheck >= checkEveryNanos) {
            refresh(now);
        }
        return current;
    }

    private synchronized void refresh(long now) {
        if (now - lastCheck < checkEveryNanos) {
            return;
        }
        lastCheck = now;
        Stamp s = stamp(path);
        if (!Objects.equals(s, stamp)) {
            stamp = s;
            current = load();
            if (current.error() != null) {
                LOG.error("{} changed and is now unusable, refusing what depends on it: {}", path, current.error());
            } else {
                LOG.info("{} changed; re-read it", path);
            }
        }
    }

    private Snapshot<T> load() {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Snapshot<>(null, "cannot read " + path + ": " + e.getClass().getSimpleName());
        }
        try {
            return new Snapshot<>(parse.apply(text), null);
        } catch (IllegalArgumentException e) {
            return new Snapshot<>(null, e.getMessage());
        }
    }

    private static Stamp stamp(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size(),
                    a.fileKey());
        } catch (IOException e) {
            return null;
        }
    }
}
