package org.cytolabel.inference.grpc;

import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.panel.GeneAlignment;
import org.cytolabel.inference.annotate.AnnotationStream;
import org.cytolabel.inference.annotate.CellCall;
import org.cytolabel.inference.annotate.GeneWeight;
import org.cytolabel.inference.annotate.ChunkAnnotation;
import org.cytolabel.inference.annotate.CountsChunk;
import org.cytolabel.inference.annotate.OutputRequest;
import org.cytolabel.inference.annotate.ScoredLabel;
import org.cytolabel.inference.annotate.StreamHeader;
import org.cytolabel.proto.annotation.v1.AnnotateHeader;
import org.cytolabel.proto.annotation.v1.CellChunk;
import org.cytolabel.proto.annotation.v1.CellPrediction;
import org.cytolabel.proto.annotation.v1.ChunkResult;
import org.cytolabel.proto.annotation.v1.GeneOverlap;
import org.cytolabel.proto.annotation.v1.StreamInfo;
import org.cytolabel.proto.model.v1.ModelRef;

/** Converts between annotation.v1 messages and the domain records of the annotate package. */
final class ProtoMapping {
    private ProtoMapping() {
    }

    static StreamHeader header(AnnotateHeader h) {
        var o = h.getOutputs();
        return new StreamHeader(h.getModel(), h.getGeneIdsList(),
                new OutputRequest(o.getTopK(), o.getProbabilities(), o.getUnassignedBelow(), o.getEmbedding(),
                        o.getMaskTopN(), o.getMaskNonzero(), o.getSaliencyTopN(), o.getSaliencyFull(),
                        o.getMemberProbabilities()),
                h.getMinGeneOverlap());
    }

    static CountsChunk chunk(CellChunk c) {
        long[] indptr = new long[c.getIndptrCount()];
        for (int i = 0; i < indptr.length; i++) {
            indptr[i] = c.getIndptr(i);
        }
        int[] indices = new int[c.getIndicesCount()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = c.getIndices(i);
        }
        float[] values = new float[c.getValuesCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = c.getValues(i);
        }
        return new CountsChunk(c.getCellIdsList(), indptr, indices, values);
    }

    static StreamInfo info(AnnotationStream s) {
        GeneAlignment a = s.alignment();
        return StreamInfo.newBuilder()
                .setModel(ModelRef.newBuilder().setName(s.model().name()).setVersion(s.model().version()))
                .setOverlap(GeneOverlap.newBuilder()
                        .setModelGenes(a.modelGenes())
                        .setClientGenes(a.clientGenes())
                        .setMatched(a.matched())
                        .setFraction(a.fraction())
                        .addAllMissingExamples(a.missingExamples())
                        .setDuplicates(a.duplicates()))
                .addAllLabels(s.labels())
                .build();
    }

    static ChunkResult result(ChunkAnnotation a) {
        ChunkResult.Builder b = ChunkResult.newBuilder()
                .setChunkIndex(a.chunkIndex())
                .setModelVersion(a.modelVersion());
        for (CellCall c : a.cells()) {
            CellPrediction.Builder p = b.addCellsBuilder()
                    .setCellId(c.cellId())
                    .setLabel(c.label())
                    .setCellOntologyId(c.cellOntologyId())
                    .setProbability(Float.isNaN(c.probability()) ? 0f : c.probability());
            for (ScoredLabel s : c.topK()) {
                p.addTopKBuilder().setLabel(s.label()).setCellOntologyId(s.cellOntologyId())
                        .setProbability(s.probability());
            }
            if (c.probabilities() != null) {
                for (float v : c.probabilities()) {
                    p.addProbabilities(v);
                }
            }
            if (!Float.isNaN(c.uncertainty())) {
                p.setUncertainty(c.uncertainty());
            }
            addAll(c.embedding(), p::addEmbedding);
            addAll(c.saliencyVector(), p::addSaliencyVector);
            addAll(c.memberProbabilities(), p::addMemberProbabilities);
            for (GeneWeight w : c.mask()) {
                p.addMaskBuilder().setGene(w.gene()).setIndex(w.index()).setValue(w.value());
            }
            for (GeneWeight w : c.saliency()) {
                p.addSaliencyBuilder().setGene(w.gene()).setIndex(w.index()).setValue(w.value());
            }
        }
        return b.build();
    }

    private static void addAll(float[] values, java.util.function.Consumer<Float> add) {
        if (values != null) {
            for (float v : values) {
                add.accept(v);
            }
        }
    }

    static CytoLabelException noHeader() {
        return CytoLabelException.invalid("send an AnnotateHeader first (model, gene ids, outputs),"
                + " then CellChunks");
    }
}
