package org.cytolabel.service.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI made with the {@code openssl} command at test time: a CA, a server certificate
 * for {@code localhost} / {@code 127.0.0.1}, a client certificate, and a client certificate from a
 * second, untrusted CA. EC P-256 keys in PKCS#8, valid 100 years.
 */
final class TestPki {
    final Path ca;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;
    final Path rogueClientCert;
    final Path rogueClientKey;
    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
        this.ca = dir.resolve("ca.crt");
        this.serverCert = dir.resolve("server.crt");
        this.serverKey = dir.resolve("server.key");
        this.clientCert = dir.resolve("client.crt");
        this.clientKey = dir.resolve("client.key");
        this.rogueClientCert = dir.resolve("rogue-client.crt");
        this.rogueClientKey = dir.resolve("rogue-client.key");
    }

    static boolean opensslAvailable() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static TestPki create(Path dir) throws IOException, InterruptedException {
        TestPki pki = new TestPki(dir);
        pki.ca("ca");
        pki.ca("rogue-ca");
        pki.leaf("server", "ca", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth");
        pki.leaf("client", "ca", "cytolabel-client", "extendedKeyUsage=clientAuth");
        pki.leaf("rogue-client", "rogue-ca", "cytolabel-client", "extendedKeyUsage=clientAuth");
        return pki;
    }

    /** A PKCS#1 ("BEGIN RSA PRIVATE KEY") copy of a fresh RSA key, the encoding the server refuses. */
    Path pkcs1Key() throws IOException, InterruptedException {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.key");
        openssl("pkey", "-in", "rsa.key", "-traditional", "-out", "rsa-pkcs1.key");
        return dir.resolve("rsa-pkcs1.key");
    }

    private void ca(String name) throws IOException, InterruptedException {
        openssl("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".crt", "-days", "36500",
                "-subj", "/CN=cytolabel-test-" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private void leaf(String name, String ca, String cn, String extensions) throws IOException, InterruptedException {
        Files.writeString(dir.resolve(name + ".ext"), "basicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature\n" + extensions + "\n", StandardCharsets.US_ASCII);
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-set_serial",
                Long.toString(System.nanoTime() & 0xffffffffL), "-days", "36500", "-extfile", name + ".ext",
                "-out", name + ".crt");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }
}
