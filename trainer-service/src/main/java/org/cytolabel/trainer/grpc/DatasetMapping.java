package org.cytolabel.trainer.grpc;

import org.cytolabel.proto.trainer.v1.DatasetInfo;
import org.cytolabel.proto.trainer.v1.ObsColumn;
import org.cytolabel.trainer.dataset.StoredDataset;

final class DatasetMapping {
    private DatasetMapping() {
    }

    static DatasetInfo toProto(StoredDataset d) {
        var b = DatasetInfo.newBuilder().setDatasetId(d.id()).setName(d.name()).setFormat(d.format())
                .setCells(d.cells()).setGenes(d.genes()).setSha256(d.sha256());
        d.obsCategoryCounts().forEach((col, counts) -> b.addObsColumns(ObsColumn.newBuilder().setName(col)
                .setNCategories(counts.size()).putAllCategoryCounts(counts)));
        return b.build();
    }
}
