package org.cytolabel.trainer.sctab;

/** What an scTab model computes per cell: probabilities {@code [cells][classes]} and masks {@code [cells][genes]}. */
public record ScTabPrediction(float[][] probabilities, float[][] masks) {
}
