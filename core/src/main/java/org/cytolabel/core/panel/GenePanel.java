package org.cytolabel.core.panel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.cytolabel.core.data.GeneList;

/** A model's genes in the order of its graph's input columns, with a hash that names the order. */
public record GenePanel(GeneList genes) {

    public int size() {
        return genes.size();
    }

    /** sha256 over the symbols joined by '\n' (as recorded in the model card). */
    public String sha256() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(String.join("\n", genes.symbols()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public org.cytolabel.proto.model.v1.GenePanel toProto() {
        return org.cytolabel.proto.model.v1.GenePanel.newBuilder()
                .addAllSymbols(genes.symbols())
                .addAllEnsemblIds(genes.ensemblIds())
                .setSha256(sha256())
                .build();
    }

    public static GenePanel fromProto(org.cytolabel.proto.model.v1.GenePanel p) {
        List<String> ens = p.getEnsemblIdsCount() == p.getSymbolsCount()
                ? p.getEnsemblIdsList()
                : p.getSymbolsList().stream().map(s -> "").toList();
        return new GenePanel(new GeneList(p.getSymbolsList(), ens));
    }
}
