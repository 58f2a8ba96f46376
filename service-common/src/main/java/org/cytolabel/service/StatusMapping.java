package org.cytolabel.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that maps domain errors to gRPC status and back. Unexpected exceptions become
 * INTERNAL with a generic message (logged here, never sent to the client with a stack trace).
 */
public final class StatusMapping {
    private static final Logger LOG = LoggerFactory.getLogger(StatusMapping.class);

    private StatusMapping() {
    }

    public static StatusRuntimeException toStatus(Throwable t) {
        if (t instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (t instanceof io.grpc.StatusException se) {
            return se.getStatus().asRuntimeException(se.getTrailers());
        }
        if (t instanceof CytoLabelException e) {
            return code(e.kind()).withDescription(e.getMessage()).asRuntimeException();
        }
        if (t instanceof CancellationException || t instanceof InterruptedException) {
            return Status.CANCELLED.withDescription("the operation was cancelled").asRuntimeException();
        }
        if (t instanceof OutOfMemoryError) {
            LOG.error("out of memory while serving a call", t);
            return Status.RESOURCE_EXHAUSTED
                    .withDescription("the server ran out of memory; send smaller chunks").asRuntimeException();
        }
        LOG.error("unexpected error while serving a call", t);
        return Status.INTERNAL.withDescription("internal error (" + t.getClass().getSimpleName()
                + "); the server log has the details").asRuntimeException();
    }

    /** For clients of our own services: a failed call as a domain error with the server's message. */
    public static CytoLabelException fromStatus(StatusRuntimeException e) {
        Status s = e.getStatus();
        String msg = s.getDescription() != null ? s.getDescription() : s.getCode().toString();
        if (s.getCode() == Status.Code.UNAVAILABLE && (s.getDescription() == null
                || s.getDescription().equals("io exception") || s.getCause() != null)) {
            msg = "the service cannot be reached (" + msg + "); check the address and that the service is running,"
                    + " then retry";
        }
        return new CytoLabelException(kind(s.getCode()), msg, e);
    }

    static Status code(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case DATA_INTEGRITY -> Status.DATA_LOSS;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case CANCELLED -> Status.CANCELLED;
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case INTERNAL -> Status.INTERNAL;
        };
    }

    static ErrorKind kind(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> ErrorKind.INVALID_ARGUMENT;
            case NOT_FOUND -> ErrorKind.NOT_FOUND;
            case ALREADY_EXISTS -> ErrorKind.ALREADY_EXISTS;
            case FAILED_PRECONDITION, ABORTED -> ErrorKind.FAILED_PRECONDITION;
            case DATA_LOSS -> ErrorKind.DATA_INTEGRITY;
            case RESOURCE_EXHAUSTED -> ErrorKind.RESOURCE_EXHAUSTED;
            case CANCELLED, DEADLINE_EXCEEDED -> ErrorKind.CANCELLED;
            case UNAUTHENTICATED -> ErrorKind.UNAUTHENTICATED;
            case PERMISSION_DENIED -> ErrorKind.PERMISSION_DENIED;
            case UNAVAILABLE -> ErrorKind.UNAVAILABLE;
            default -> ErrorKind.INTERNAL;
        };
    }
}
