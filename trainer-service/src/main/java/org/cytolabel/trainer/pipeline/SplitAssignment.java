package org.cytolabel.trainer.pipeline;

/** Row indices (ascending) of the training, validation and test cells, and how they were chosen. */
public record SplitAssignment(int[] train, int[] validation, int[] test, String description) {
}
