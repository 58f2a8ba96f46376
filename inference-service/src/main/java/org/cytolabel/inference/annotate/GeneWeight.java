package org.cytolabel.inference.annotate;

/** One gene's weight in a cell's mask or saliency: the gene, its panel position, the value. */
public record GeneWeight(String gene, int index, float value) {
}
