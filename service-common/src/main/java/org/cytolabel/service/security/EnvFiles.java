package org.cytolabel.service.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import org.cytolabel.core.error.CytoLabelException;

/** Reading security settings from environment variables that name mounted files. */
final class EnvFiles {
    private EnvFiles() {
    }

    /** The readable file a variable names, or null when it is unset or blank. */
    static Path path(Function<String, String> env, String name) {
        String v = value(env, name);
        if (v == null) {
            return null;
        }
        Path p = Path.of(v);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw CytoLabelException.invalid(name + "=" + v + " is not a readable file; mount the secret "
                    + "there or unset " + name);
        }
        return p;
    }

    static boolean bool(Function<String, String> env, String name) {
        String v = value(env, name);
        if (v == null) {
            return false;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw CytoLabelException.invalid(name + " must be true or false, got '" + v + "'");
        };
    }

    /** A port number 1-65535, or -1 when unset. */
    static int port(Function<String, String> env, String name) {
        String v = value(env, name);
        if (v == null) {
            return -1;
        }
        try {
            int port = Integer.parseInt(v);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw CytoLabelException.invalid(name + " must be a port number (1-65535), got '" + v + "'");
    }

    static String value(Function<String, String> env, String name) {
        String v = env.apply(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** Netty reads PKCS#8 keys only; say how to convert the PKCS#1 / SEC1 ones openssl and cert-manager write. */
    static void requirePkcs8(Path key, String variable) throws IOException {
        String pem = Files.readString(key);
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
            throw CytoLabelException.invalid(variable + "=" + key + " holds a PKCS#1/SEC1 key; the server reads "
                    + "PKCS#8 ('BEGIN PRIVATE KEY'): convert it with 'openssl pkcs8 -topk8 -nocrypt -in KEY -out "
                    + "KEY.pk8', or set privateKey.encoding: PKCS8 in the cert-manager Certificate");
        }
    }
}
