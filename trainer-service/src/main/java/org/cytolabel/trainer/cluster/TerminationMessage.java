package org.cytolabel.trainer.cluster;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one line a training Job leaves in {@code /dev/termination-log}, which the kubelet copies into
 * the pod's container status: {@code published <name>:<version> sha256=<hex>} on success,
 * {@code failed: <message>} otherwise. The trainer reads it back to find the exact version the Job
 * published (an alias or "latest" could have moved since) and to say why a Job failed.
 */
public final class TerminationMessage {
    /** The file the kubelet reads; the container's terminationMessagePath. */
    public static final String PATH = "/dev/termination-log";
    /** Kubernetes keeps at most 4096 bytes; stay well below. */
    private static final int MAX_CHARS = 1000;
    private static final Pattern PUBLISHED = Pattern.compile(
            "published ([a-z0-9][a-z0-9._-]*):([0-9]+)(?: sha256=([0-9a-f]{64}))?\\s*");

    /** What a successful Job published. */
    public record Published(String name, int version, String sha256) {
        /** {@code name:version}, as RegistryClient.parseRef reads it. */
        public String ref() {
            return name + ":" + version;
        }
    }

    private TerminationMessage() {
    }

    public static String published(String name, int version, String sha256) {
        return "published " + name + ":" + version + (sha256.isEmpty() ? "" : " sha256=" + sha256);
    }

    public static String failed(String message) {
        String m = "failed: " + (message == null ? "unknown error" : message.replace('\n', ' '));
        return m.length() <= MAX_CHARS ? m : m.substring(0, MAX_CHARS - 3) + "...";
    }

    public static Optional<Published> parsePublished(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = PUBLISHED.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Published(m.group(1), Integer.parseInt(m.group(2)),
                m.group(3) == null ? "" : m.group(3)));
    }

    /**
     * The reason in a failed Job's message: the text after {@code failed: }, or (when the kubelet
     * fell back to the log) its last line.
     */
    public static String failureReason(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String t = text.strip();
        if (t.startsWith("failed: ")) {
            return t.substring("failed: ".length());
        }
        String[] lines = t.split("\n");
        String last = lines[lines.length - 1].strip();
        return last.length() <= MAX_CHARS ? last : "..." + last.substring(last.length() - MAX_CHARS);
    }
}
