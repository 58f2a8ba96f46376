package org.cytolabel.inference.annotate;

import java.util.List;

/** The calls for one chunk, in the chunk's cell order. */
public record ChunkAnnotation(long chunkIndex, int modelVersion, List<CellCall> cells) {
    public ChunkAnnotation {
        cells = List.copyOf(cells);
    }
}
