package org.cytolabel.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.cytolabel.core.data.GeneList;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.proto.model.v1.Label;
import org.cytolabel.proto.model.v1.ModelCard;

/** Valid model cards and artifact bytes for registry tests (the registry never parses ONNX). */
public final class TestCards {
    private TestCards() {
    }

    public static ModelCard card(String name) {
        List<String> genes = List.of("CD3E", "CD14", "MS4A1", "NKG7", "LYZ", "PPBP");
        return ModelCard.newBuilder()
                .setName(name)
                .setModelKind("mlp")
                .putHyperParameters("hidden", "256")
                .setGenePanel(new GenePanel(GeneList.ofSymbols(genes)).toProto())
                .addLabels(Label.newBuilder().setName("T cell").setCellOntologyId("CL:0000084"))
                .addLabels(Label.newBuilder().setName("B cell").setCellOntologyId("CL:0000236"))
                .addLabels(Label.newBuilder().setName("monocyte").setCellOntologyId("CL:0000576"))
                .setSeed(7)
                .build();
    }

    public static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Lower-case hex SHA-256, as in model cards. */
    public static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Regular files under {@code dir} (none when it does not exist). */
    public static List<Path> files(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
