package org.cytolabel.registry.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.proto.model.v1.Label;
import org.cytolabel.proto.model.v1.ModelCard;

/** Checks model names, aliases and cards before anything is stored; reports every problem at once. */
public final class CardValidator {
    /** Model names: lower case, 1-63 characters. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    /** Aliases start with a letter so that {@code name@3} never looks like a version. */
    public static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9._-]{0,62}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private CardValidator() {
    }

    public static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw CytoLabelException.invalid("model name '" + name + "' is not valid: use 1-63 characters of"
                    + " a-z, 0-9, '.', '_' and '-', starting with a letter or digit (e.g. 'pbmc-mlp')");
        }
    }

    public static void requireAlias(String alias) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw CytoLabelException.invalid("alias '" + alias + "' is not valid: use 1-63 characters of"
                    + " a-z, 0-9, '.', '_' and '-', starting with a letter (e.g. 'production')");
        }
    }

    public static void requireVersion(int version) {
        if (version < 1) {
            throw CytoLabelException.invalid("version must be 1 or more, got " + version
                    + " (versions are numbered from 1; list the model to see them)");
        }
    }

    /**
     * Returns the card ready to store (sha256 lower-cased, version and aliases cleared) or throws
     * INVALID_ARGUMENT listing every problem.
     */
    public static ModelCard validate(ModelCard card) {
        List<String> problems = new ArrayList<>();
        if (!NAME.matcher(card.getName()).matches()) {
            problems.add("name '" + card.getName() + "' must be 1-63 characters of a-z, 0-9, '.', '_', '-'"
                    + " starting with a letter or digit");
        }
        if (!HEX.matcher(card.getSha256()).matches()) {
            problems.add("sha256 must be the 64 hex characters of the ONNX bytes' SHA-256, got '"
                    + card.getSha256() + "'");
        }
        if (card.getSizeBytes() <= 0) {
            problems.add("size_bytes must be the ONNX file's length (> 0), got " + card.getSizeBytes());
        }
        checkPanel(card, problems);
        checkLabels(card, problems);
        if (!problems.isEmpty()) {
            throw CytoLabelException.invalid("the model card is invalid: " + String.join("; ", problems)
                    + ". Fix the card (RegistryClient.withDigest fills sha256 and size_bytes) and publish again");
        }
        return card.toBuilder()
                .setSha256(card.getSha256().toLowerCase(Locale.ROOT))
                .setVersion(0)
                .clearAliases()
                .build();
    }

    private static void checkPanel(ModelCard card, List<String> problems) {
        if (!card.hasGenePanel() || card.getGenePanel().getSymbolsCount() == 0) {
            problems.add("gene_panel must list the model's genes in input column order");
            return;
        }
        var panel = card.getGenePanel();
        if (panel.getEnsemblIdsCount() != 0 && panel.getEnsemblIdsCount() != panel.getSymbolsCount()) {
            problems.add("gene_panel has " + panel.getSymbolsCount() + " symbols but " + panel.getEnsemblIdsCount()
                    + " Ensembl ids (give one per symbol, empty where unknown, or none)");
        }
        for (int i = 0; i < panel.getSymbolsCount(); i++) {
            if (panel.getSymbols(i).isBlank()) {
                problems.add("gene_panel symbol " + i + " is blank");
                break;
            }
        }
        String expected = GenePanel.fromProto(panel).sha256();
        if (!expected.equals(panel.getSha256())) {
            problems.add("gene_panel.sha256 is '" + panel.getSha256() + "' but the symbols hash to " + expected
                    + " (sha256 over the symbols joined by '\\n')");
        }
    }

    private static void checkLabels(ModelCard card, List<String> problems) {
        boolean encoder = card.getOutputsList().stream().anyMatch(o -> o.getName().equals("embedding"))
                && card.getOutputsList().stream().noneMatch(o -> o.getName().equals("probabilities"));
        if (card.getLabelsCount() == 0 && encoder) {
            return; // an encoder (embeddings only) has no classes
        }
        if (card.getLabelsCount() == 0) {
            problems.add("labels must list the model's classes in output column order (only an encoder, whose"
                    + " outputs are an 'embedding' and no 'probabilities', has none)");
            return;
        }
        Set<String> seen = new HashSet<>();
        for (Label l : card.getLabelsList()) {
            if (l.getName().isBlank()) {
                problems.add("a label has no name");
            } else if (!seen.add(l.getName())) {
                problems.add("label '" + l.getName() + "' appears twice");
            }
        }
    }
}
