package org.cytolabel.core.error;

/**
 * A domain error with a message written for the user: what was wrong and what to do.
 * Carries no transport types; each service maps {@link ErrorKind} to a status in one place.
 */
public class CytoLabelException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorKind kind;

    public CytoLabelException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public CytoLabelException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }

    public static CytoLabelException invalid(String message) {
        return new CytoLabelException(ErrorKind.INVALID_ARGUMENT, message);
    }

    public static CytoLabelException invalid(String message, Throwable cause) {
        return new CytoLabelException(ErrorKind.INVALID_ARGUMENT, message, cause);
    }

    public static CytoLabelException notFound(String message) {
        return new CytoLabelException(ErrorKind.NOT_FOUND, message);
    }

    public static CytoLabelException integrity(String message) {
        return new CytoLabelException(ErrorKind.DATA_INTEGRITY, message);
    }

    public static CytoLabelException precondition(String message) {
        return new CytoLabelException(ErrorKind.FAILED_PRECONDITION, message);
    }
}
