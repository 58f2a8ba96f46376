package org.cytolabel.trainer.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ExecutorService;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.proto.trainer.v1.CancelJobRequest;
import org.cytolabel.proto.trainer.v1.CancelJobResponse;
import org.cytolabel.proto.trainer.v1.DatasetInfo;
import org.cytolabel.proto.trainer.v1.JobEvent;
import org.cytolabel.proto.trainer.v1.ListDatasetsRequest;
import org.cytolabel.proto.trainer.v1.ListDatasetsResponse;
import org.cytolabel.proto.trainer.v1.ListModelKindsRequest;
import org.cytolabel.proto.trainer.v1.ListModelKindsResponse;
import org.cytolabel.proto.trainer.v1.ModelKindInfo;
import org.cytolabel.proto.trainer.v1.SubmitTrainingResponse;
import org.cytolabel.proto.trainer.v1.TrainerGrpc;
import org.cytolabel.proto.trainer.v1.TrainingRequest;
import org.cytolabel.proto.trainer.v1.UploadDatasetRequest;
import org.cytolabel.proto.trainer.v1.WatchJobRequest;
import org.cytolabel.service.StatusMapping;
import org.cytolabel.trainer.dataset.DatasetStore;
import org.cytolabel.trainer.dataset.DatasetUpload;
import org.cytolabel.trainer.job.JobManager;
import org.cytolabel.trainer.model.ModelFamilies;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.pipeline.PlanChecks;
import org.cytolabel.trainer.pipeline.TrainingPlan;

/** The Trainer API: thin handlers that validate, call the domain and reply. */
public final class TrainerGrpcService extends TrainerGrpc.TrainerImplBase {
    private final DatasetStore datasets;
    private final JobManager jobs;
    private final ExecutorService parsing;

    public TrainerGrpcService(DatasetStore datasets, JobManager jobs, ExecutorService parsing) {
        this.datasets = datasets;
        this.jobs = jobs;
        this.parsing = parsing;
    }

    @Override
    public StreamObserver<UploadDatasetRequest> uploadDataset(StreamObserver<DatasetInfo> response) {
        return new StreamObserver<>() {
            private DatasetUpload upload;
            private boolean failed;

            @Override
            public void onNext(UploadDatasetRequest req) {
                if (failed) {
                    return;
                }
                try {
                    switch (req.getPartCase()) {
                        case HEADER -> {
                            if (upload != null) {
                                throw CytoLabelException.invalid("send the DatasetHeader once, first");
                            }
                            upload = datasets.begin(req.getHeader().getName(), req.getHeader().getFormat());
                        }
                        case FILE -> started().startFile(req.getFile().getName(), req.getFile().getSizeBytes(),
                                req.getFile().getSha256());
                        case CHUNK -> started().write(req.getChunk().toByteArray(), 0, req.getChunk().size());
                        default -> throw CytoLabelException.invalid("empty upload message");
                    }
                } catch (RuntimeException e) {
                    fail(e);
                }
            }

            private DatasetUpload started() {
                if (upload == null) {
                    throw CytoLabelException.invalid("send a DatasetHeader (name, format) first");
                }
                return upload;
            }

            private void fail(RuntimeException e) {
                failed = true;
                if (upload != null) {
                    upload.close();
                }
                response.onError(StatusMapping.toStatus(e));
            }

            @Override
            public void onError(Throwable t) {
                if (upload != null) {
                    upload.close();
                }
            }

            @Override
            public void onCompleted() {
                if (failed) {
                    return;
                }
                if (upload == null) {
                    response.onError(StatusMapping.toStatus(CytoLabelException.invalid("the upload was empty; send a "
                            + "DatasetHeader, then each file")));
                    return;
                }
                DatasetUpload u = upload;
                parsing.execute(() -> {
                    try {
                        response.onNext(DatasetMapping.toProto(datasets.commit(u)));
                        response.onCompleted();
                    } catch (RuntimeException e) {
                        response.onError(StatusMapping.toStatus(e));
                    }
                });
            }
        };
    }

    @Override
    public void listDatasets(ListDatasetsRequest request, StreamObserver<ListDatasetsResponse> response) {
        var b = ListDatasetsResponse.newBuilder();
        datasets.list().forEach(d -> b.addDatasets(DatasetMapping.toProto(d)));
        response.onNext(b.build());
        response.onCompleted();
    }

    @Override
    public void submitTraining(TrainingRequest request, StreamObserver<SubmitTrainingResponse> response) {
        try {
            TrainingPlan plan = PlanMapping.fromProto(request);
            // the caller's mistakes get an error now, not a failed job
            PlanChecks.check(plan, datasets);
            String id = jobs.submit(plan);
            response.onNext(SubmitTrainingResponse.newBuilder().setJobId(id).build());
            response.onCompleted();
        } catch (RuntimeException e) {
            response.onError(StatusMapping.toStatus(e));
        }
    }

    @Override
    public void watchJob(WatchJobRequest request, StreamObserver<JobEvent> response) {
        var call = (ServerCallStreamObserver<JobEvent>) response;
        try {
            Runnable stop = jobs.watch(request.getJobId(), u -> {
                if (call.isCancelled()) {
                    return;
                }
                call.onNext(JobEventMapping.toProto(u));
                if (u.phase().terminal()) {
                    call.onCompleted();
                }
            });
            call.setOnCancelHandler(stop);
        } catch (RuntimeException e) {
            response.onError(StatusMapping.toStatus(e));
        }
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<CancelJobResponse> response) {
        try {
            var phase = jobs.cancel(request.getJobId());
            response.onNext(CancelJobResponse.newBuilder().setPhase(JobEventMapping.phase(phase)).build());
            response.onCompleted();
        } catch (RuntimeException e) {
            response.onError(StatusMapping.toStatus(e));
        }
    }

    @Override
    public void listModelKinds(ListModelKindsRequest request, StreamObserver<ListModelKindsResponse> response) {
        try {
            ListModelKindsResponse.Builder b = ListModelKindsResponse.newBuilder();
            for (String kind : ModelFamilies.kinds()) {
                ModelFamily f = ModelFamilies.get(kind);
                b.addKinds(ModelKindInfo.newBuilder().setKind(kind).setDescription(f.description())
                        .putAllDefaultHyperParameters(f.defaults()).setNeedsUnlabeledData(f.needsUnlabeledData()));
            }
            response.onNext(b.build());
            response.onCompleted();
        } catch (RuntimeException e) {
            response.onError(StatusMapping.toStatus(e));
        }
    }
}
