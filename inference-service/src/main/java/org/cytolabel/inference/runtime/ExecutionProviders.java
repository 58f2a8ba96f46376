package org.cytolabel.inference.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds ORT session options for the configured execution provider. CUDA is optional: ONNX Runtime's
 * Java API has no automatic fallback, so when {@code addCUDA} fails we log it once, rebuild the
 * options for CPU and report {@link Provider#CPU} (the provider tag on the service's meters).
 */
public final class ExecutionProviders {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionProviders.class);

    /** The provider sessions actually run on. */
    public enum Provider {
        CPU, CUDA;

        public String tag() {
            return name().toLowerCase();
        }
    }

    private final boolean cudaRequested;
    private final int intraOpThreads;
    private volatile Provider provider;

    /**
     * @param cuda           try the CUDA provider (device 0) first
     * @param intraOpThreads threads per session run; 0 or less means the available processors
     */
    public ExecutionProviders(boolean cuda, int intraOpThreads) {
        this.cudaRequested = cuda;
        this.intraOpThreads = intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
        this.provider = cuda ? Provider.CUDA : Provider.CPU;
        if (cuda) {
            // Probe once so the provider (and the session cache key) is settled before any session exists.
            try {
                newOptions().close();
                LOG.info("execution provider: {}", provider.tag());
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime session options failed: " + e.getMessage(), e);
            }
        }
    }

    /** The provider in use: CPU when CUDA was not requested or could not be added. */
    public Provider provider() {
        return provider;
    }

    public boolean cudaRequested() {
        return cudaRequested;
    }

    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** Identifies the options for the session cache key (sessions built differently are not shared). */
    public String optionsKey() {
        return provider.tag() + "/intra" + intraOpThreads;
    }

    /** New session options (the caller closes them after creating its session). */
    public SessionOptions newOptions() throws OrtException {
        if (provider == Provider.CUDA) {
            SessionOptions options = cpuOptions();
            try {
                options.addCUDA(0);
                return options;
            } catch (OrtException | RuntimeException | LinkageError e) {
                options.close();
                provider = Provider.CPU;
                LOG.warn("CUDA requested but unavailable: {}; serving on CPU", e.getMessage());
            }
        }
        return cpuOptions();
    }

    private SessionOptions cpuOptions() throws OrtException {
        SessionOptions options = new SessionOptions();
        try {
            options.setOptimizationLevel(OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(intraOpThreads);
            return options;
        } catch (OrtException e) {
            options.close();
            throw e;
        }
    }
}
