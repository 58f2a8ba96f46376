package org.cytolabel.cli.client;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.cytolabel.proto.annotation.v1.CellPrediction;
import org.cytolabel.proto.annotation.v1.ChunkResult;
import org.cytolabel.proto.annotation.v1.ScoredLabel;

/**
 * Writes per-cell predictions as CSV: cell_id, label, cell_ontology_id, probability, top_k,
 * uncertainty, then (empty unless asked for) mask and saliency as {@code gene:value;...} and the
 * embedding as {@code v1;v2;...}.
 */
public final class PredictionCsv implements AutoCloseable {
    public static final String HEADER = "cell_id,label,cell_ontology_id,probability,top_k,uncertainty,mask,saliency,"
            + "embedding";
    private final BufferedWriter out;

    public PredictionCsv(Path path) {
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
            out.write(HEADER);
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    public void write(ChunkResult result) {
        try {
            for (CellPrediction c : result.getCellsList()) {
                out.write(String.join(",", quote(c.getCellId()), quote(c.getLabel()), c.getCellOntologyId(),
                        String.format(Locale.ROOT, "%.6f", c.getProbability()), quote(topK(c)),
                        c.hasField(UNCERTAINTY) ? String.format(Locale.ROOT, "%.6f", c.getUncertainty()) : "",
                        quote(genes(c.getMaskList())), quote(genes(c.getSaliencyList())), embedding(c)));
                out.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String topK(CellPrediction c) {
        StringBuilder sb = new StringBuilder();
        for (ScoredLabel s : c.getTopKList()) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(s.getLabel()).append(':').append(String.format(Locale.ROOT, "%.4f", s.getProbability()));
        }
        return sb.toString();
    }

    private static final com.google.protobuf.Descriptors.FieldDescriptor UNCERTAINTY =
            CellPrediction.getDescriptor().findFieldByName("uncertainty");

    private static String genes(java.util.List<org.cytolabel.proto.annotation.v1.GeneWeight> weights) {
        StringBuilder sb = new StringBuilder();
        for (var w : weights) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(w.getGene()).append(':').append(String.format(Locale.ROOT, "%.5g", w.getValue()));
        }
        return sb.toString();
    }

    private static String embedding(CellPrediction c) {
        StringBuilder sb = new StringBuilder();
        for (float v : c.getEmbeddingList()) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(String.format(Locale.ROOT, "%.6g", v));
        }
        return sb.toString();
    }

    static String quote(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
