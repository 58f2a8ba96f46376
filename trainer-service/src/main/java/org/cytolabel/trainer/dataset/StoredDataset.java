package org.cytolabel.trainer.dataset;

import java.nio.file.Path;
import java.util.Map;

/**
 * A dataset kept by the trainer: its files under {@code path}, the sha256 over its files (in name
 * order), its shape, and per obs column the category counts (for columns with few categories).
 */
public record StoredDataset(String id, String name, String format, Path path, String sha256, int cells,
        int genes, Map<String, Map<String, Long>> obsCategoryCounts) {

    public StoredDataset {
        obsCategoryCounts = Map.copyOf(obsCategoryCounts);
    }
}
