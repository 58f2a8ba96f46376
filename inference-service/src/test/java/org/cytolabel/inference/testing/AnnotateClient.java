package org.cytolabel.inference.testing;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.proto.annotation.v1.AnnotateHeader;
import org.cytolabel.proto.annotation.v1.AnnotateRequest;
import org.cytolabel.proto.annotation.v1.AnnotateResponse;
import org.cytolabel.proto.annotation.v1.AnnotatorGrpc;
import org.cytolabel.proto.annotation.v1.CellChunk;
import org.cytolabel.proto.annotation.v1.CellPrediction;
import org.cytolabel.proto.annotation.v1.ChunkResult;
import org.cytolabel.proto.annotation.v1.StreamInfo;

/** Test client of the Annotate stream: sends everything, collects every response and the end status. */
public final class AnnotateClient {
    private final Channel channel;

    AnnotateClient(Channel channel) {
        this.channel = channel;
    }

    /** What came back: the responses in arrival order and the final status (OK when completed). */
    public record Outcome(List<AnnotateResponse> responses, Status status) {
        public StreamInfo info() {
            return responses.get(0).getInfo();
        }

        public List<ChunkResult> results() {
            return responses.stream().filter(AnnotateResponse::hasResult).map(AnnotateResponse::getResult).toList();
        }

        public List<CellPrediction> cells() {
            return results().stream().flatMap(r -> r.getCellsList().stream()).toList();
        }
    }

    public Outcome annotate(AnnotateHeader header, List<CellChunk> chunks) {
        List<AnnotateRequest> requests = new ArrayList<>();
        if (header != null) {
            requests.add(AnnotateRequest.newBuilder().setHeader(header).build());
        }
        chunks.forEach(c -> requests.add(AnnotateRequest.newBuilder().setChunk(c).build()));
        return send(requests);
    }

    public Outcome send(List<AnnotateRequest> requests) {
        List<AnnotateResponse> responses = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Status> end = new CompletableFuture<>();
        StreamObserver<AnnotateRequest> out = AnnotatorGrpc.newStub(channel).annotate(new StreamObserver<>() {
            @Override
            public void onNext(AnnotateResponse value) {
                responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
                end.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                end.complete(Status.OK);
            }
        });
        requests.forEach(out::onNext);
        out.onCompleted();
        try {
            Status status = end.get(60, TimeUnit.SECONDS);
            return new Outcome(List.copyOf(responses), status);
        } catch (Exception e) {
            throw new AssertionError("the Annotate stream did not end: " + e, e);
        }
    }

    /** Rows of {@code counts} with their ids as chunks of at most {@code perChunk} cells. */
    public static List<CellChunk> chunks(CsrMatrix counts, List<String> ids, int perChunk) {
        List<CellChunk> out = new ArrayList<>();
        for (int from = 0; from < counts.rows(); from += perChunk) {
            int to = Math.min(counts.rows(), from + perChunk);
            out.add(chunk(counts.sliceRows(from, to), ids.subList(from, to)));
        }
        return out;
    }

    public static CellChunk chunk(CsrMatrix m, List<String> ids) {
        CellChunk.Builder b = CellChunk.newBuilder().addAllCellIds(ids);
        for (int p : m.indptr()) {
            b.addIndptr(p);
        }
        for (int i : m.indices()) {
            b.addIndices(i);
        }
        for (float v : m.values()) {
            b.addValues(v);
        }
        return b.build();
    }
}
